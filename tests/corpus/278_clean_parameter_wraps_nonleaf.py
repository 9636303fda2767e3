import torch
from torch import nn, optim

base = torch.randn(3, requires_grad=True)
w = nn.Parameter(torch.randn(3, 2) * 0.1)
v = nn.Parameter(base.detach() * 2)
opt = optim.SGD([w, v], lr=0.1)
loss = (v @ w).sum()
loss.backward()
opt.step()
