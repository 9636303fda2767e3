import torch
from torch import nn

model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
x = torch.randn(5, 3, requires_grad=True)
loss = model(x).pow(2).mean()
(gx,) = torch.autograd.grad(loss, x)
loss.backward()
