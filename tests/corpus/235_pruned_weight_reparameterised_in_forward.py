import torch
import torch.nn.functional as F
from torch import nn


class PrunedLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_out, n_in) * 0.1)
        self.register_buffer("mask", (torch.rand(n_out, n_in) > 0.5).float())

    def forward(self, x):
        self.weight = nn.Parameter(self.weight * self.mask)
        return F.linear(x, self.weight)


layer = PrunedLinear(4, 3)
opt = torch.optim.SGD(layer.parameters(), lr=0.1)
stale = opt.param_groups[0]["params"][0]
layer(torch.randn(2, 4)).sum().backward()
opt.step()
