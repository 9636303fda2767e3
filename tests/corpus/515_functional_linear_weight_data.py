import torch
import torch.nn.functional as F
from torch import nn


class L(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(2, 3))
        self.bias = nn.Parameter(torch.zeros(2))

    def forward(self, x):
        return F.linear(x, self.weight.data, self.bias)


m = L()
m(torch.randn(4, 3)).sum().backward()
