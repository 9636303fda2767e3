import torch
from torch import autograd

x = torch.arange(4.0, requires_grad=True)
y = x * 3
z = (y**2).sum() / y.sum()
dz_dy = autograd.grad(z, y, retain_graph=True)[0]
(dy,) = autograd.grad(y.sum() * 2, y)
