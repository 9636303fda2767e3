import torch
from torch import nn


class Base(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = torch.randn(3, 3)


class Derived(Base):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 3)

    def forward(self, x):
        return self.lin(x @ self.table)


m = Derived()
