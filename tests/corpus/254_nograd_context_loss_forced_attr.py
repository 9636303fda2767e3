import torch
from torch.nn import Parameter

w = Parameter(torch.ones(3))
x = torch.randn(5, 3)
with torch.set_grad_enabled(False):
    loss = (x @ w).pow(2).mean()
loss.requires_grad = True
loss.backward()
