import torch as th
from torch.nn import Linear, Module, Parameter


class GatedResidual(Module):
    def __init__(self, d):
        super().__init__()
        self.inner = Linear(d, d)
        self.alpha = Parameter(th.zeros(1))
        self.beta = Parameter(th.ones(1))

    def forward(self, x):
        return self.beta * x + self.beta * th.tanh(self.inner(x))


block = GatedResidual(5)
opt = th.optim.SGD(block.parameters(), lr=0.1)
for _ in range(2):
    opt.zero_grad()
    out = block(th.randn(3, 5))
    out.pow(2).mean().backward()
    opt.step()
