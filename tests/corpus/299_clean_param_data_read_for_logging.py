import torch
from torch import nn


class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)
        self.scale = nn.Parameter(torch.ones(3))

    def forward(self, x):
        return self.lin(x) * self.scale


m = Scaled()
norms = []
loss = m(torch.randn(2, 3)).sum()
loss.backward()
norms.append(m.scale.data.norm().item())
norms.append(float(m.lin.weight.detach().abs().max()))
