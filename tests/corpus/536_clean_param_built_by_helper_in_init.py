import torch
from torch import nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = self._param(3)

    @staticmethod
    def _param(n):
        return nn.Parameter(torch.ones(n))

    def forward(self, x):
        return x * self.scale


m = M()
m(torch.randn(2, 3)).sum().backward()
