import torch as th
from torch import optim

w = th.full((4, 2), 0.5, requires_grad=True) / 2
b = th.zeros(2, requires_grad=True)
opt = optim.SGD(
    [{"params": [b]}, {"params": [w], "lr": 1e-3}],
    lr=0.1,
    momentum=0.9,
)
x = th.randn(8, 4)
loss = (x @ w + b).pow(2).mean()
