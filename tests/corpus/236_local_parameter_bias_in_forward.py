import torch
from torch import nn
from torch.nn import Parameter


class AddBias(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.lin = nn.Linear(d, d)

    def forward(self, x):
        bias = Parameter(torch.zeros(x.shape[-1]))
        return self.lin(x) + bias


m = AddBias(3)
opt = torch.optim.SGD(m.parameters(), lr=0.5)
opt.zero_grad()
m(torch.randn(4, 3)).sum().backward()
opt.step()
