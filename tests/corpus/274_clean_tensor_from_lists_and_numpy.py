import numpy as np
import torch

arr = np.linspace(0.0, 1.0, 4)
x = torch.tensor(arr, dtype=torch.float32)
w = torch.tensor([0.5, -0.5, 1.0, 2.0], requires_grad=True)
loss = (x * w).sum()
target = torch.tensor(loss.item())
cols = torch.tensor(x.tolist())
(loss - target + cols.sum()).backward()
