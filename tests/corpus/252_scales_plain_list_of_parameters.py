import torch
import torch.nn as nn


class Pyramid(nn.Module):
    def __init__(self, levels):
        super().__init__()
        self.scales = [nn.Parameter(torch.ones(1)) for _ in range(levels)]

    def forward(self, feats):
        return sum(s * f for s, f in zip(self.scales, feats, strict=True))


pyr = Pyramid(3)
out = pyr([torch.randn(2) for _ in range(3)])
out.sum().backward()
