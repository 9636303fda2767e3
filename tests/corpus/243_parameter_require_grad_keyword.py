import torch
from torch import nn


class FixedScale(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(d), require_grad=False)

    def forward(self, x):
        return x * self.scale


m = FixedScale(4)
