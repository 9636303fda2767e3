import torch as th
from torch import optim

w = th.randn(3, requires_grad=True).cpu()
b = th.zeros(1, requires_grad=True).to("cpu")
opt = optim.SGD([w, b], lr=0.1)
x = th.randn(5, 3)
loss = (x @ w + b).pow(2).mean()
opt.zero_grad()
loss.backward()
opt.step()
