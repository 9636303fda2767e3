import torch
from torch import nn


class Scaler(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.pre = nn.Linear(d, d)
        self.scale = nn.Parameter(torch.ones(d))

    def forward(self, x):
        s = self.scale.data
        s.clamp_(min=1.5)
        return self.pre(x) * self.scale


m = Scaler(3)
m(torch.randn(2, 3)).sum().backward()
