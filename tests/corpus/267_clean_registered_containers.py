import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, d=4):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(d, d) for _ in range(3)])
        self.heads = nn.ModuleDict({"a": nn.Linear(d, 1), "b": nn.Linear(d, 1)})
        self.gains = nn.ParameterList([nn.Parameter(torch.ones(1)) for _ in range(2)])

    def forward(self, x):
        for blk in self.blocks:
            x = torch.relu(blk(x))
        return self.gains[0] * self.heads["a"](x) + self.gains[1] * self.heads["b"](x)


m = Net()
m(torch.randn(3, 4)).sum().backward()
