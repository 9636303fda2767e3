import torch
from torch import nn


class Norm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)
        self.register_buffer("running", torch.zeros(d))

    def forward(self, x):
        h = self.lin(x)
        self.running.mul_(0.9).add_(h.mean(0).detach() * 0.1)
        return h - self.running


m = Norm(3)
m(torch.randn(4, 3)).sum().backward()
