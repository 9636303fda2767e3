import torch as th
from torch import nn


class Centered(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.offset = th.zeros(d)

    def forward(self, x):
        return self.proj(x - self.offset)


model = Centered(3).double()
out = model(th.randn(2, 3, dtype=th.float64))
