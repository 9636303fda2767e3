import torch
from torch import nn


class Base(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(d, d))
        self.reset_parameters()

    def reset_parameters(self):
        self.weight.uniform_(-0.1, 0.1)


class Child(Base):
    def forward(self, x):
        return x @ self.weight


net = Child(3)
