import torch
from torch import nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        scale = torch.nn.Parameter(x.new_ones(3))
        return self.lin(x) * scale


m = M()
m(torch.randn(2, 3)).sum().backward()
