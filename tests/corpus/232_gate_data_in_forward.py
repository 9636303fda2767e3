import torch
from torch import nn


class GatedLinear(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)
        self.gate = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        return self.fc(x) * torch.sigmoid(self.gate.data)


m = GatedLinear(4)
opt = torch.optim.SGD(m.parameters(), lr=0.1)
opt.zero_grad()
m(torch.randn(2, 4)).pow(2).sum().backward()
opt.step()
