import torch
from torch import nn

model = nn.Linear(2, 2)
out = model(torch.randn(3, 2))
parts = [out[:, 0].mean(), out[:, 1].mean()]
loss = torch.tensor(sum(p.item() for p in parts))
loss.requires_grad = True
loss.backward()
