import torch
from torch import nn


class Scale(nn.Module):
    def __init__(self):
        super().__init__()
        self.s = nn.Parameter(torch.tensor(2.0))

    def forward(self, x):
        factor = self.s.item()
        return x * factor


model = nn.Sequential(nn.Linear(3, 3), Scale())
loss = model(torch.randn(2, 3)).sum()
loss.backward()
