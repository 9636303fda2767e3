import torch
from torch import nn


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.bias = nn.Parameter(torch.zeros(2, dtype=torch.float64))

    def forward(self, x):
        h = torch.tensor(self.fc(x), dtype=torch.float64)
        return h + self.bias


m = Head()
m(torch.randn(4, 3)).sum().backward()
