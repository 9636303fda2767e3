import torch
from torch import nn

model = nn.Linear(4, 3)
x, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
pred = model(x).argmax(dim=1).float()
loss = ((pred - y.float()) ** 2).mean()
loss.requires_grad_()
loss.backward()
