import torch
from torch import nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = tuple(nn.Conv1d(2, 2, 3, padding=1) for _ in range(2))

    def forward(self, x):
        for c in self.convs:
            x = c(x)
        return x


m = M()
m(torch.randn(1, 2, 5)).sum().backward()
