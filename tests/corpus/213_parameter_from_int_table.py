import torch
from torch import nn


class Lookup(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.tensor([[1, 2], [3, 4]]))

    def forward(self, idx):
        return self.table[idx]


m = Lookup()
out = m(torch.tensor([0, 1]))
