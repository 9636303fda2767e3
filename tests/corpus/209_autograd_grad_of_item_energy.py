import torch
from torch import autograd

x = torch.linspace(0, 1, 5, requires_grad=True)
energy = (x**2).sum().item()
E = torch.full((), energy)
(force,) = autograd.grad(E, x)
