import torch as th
from torch import optim

w = th.rand(5, requires_grad=True)
opt = optim.SGD([w], lr=0.5)
target = th.linspace(-1, 2, 5)
for _ in range(3):
    opt.zero_grad()
    loss = (w - target).pow(2).sum()
    loss.backward()
    opt.step()
    w.clamp_(0, 1)
