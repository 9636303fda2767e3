import torch
from torch import nn


class Gated(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.gate = nn.Parameter(torch.zeros(d))

    def _apply_gate(self, h):
        return h * torch.sigmoid(self.gate)

    def forward(self, x):
        return self._apply_gate(self.proj(x))


m = Gated(3)
m(torch.randn(2, 3)).sum().backward()
