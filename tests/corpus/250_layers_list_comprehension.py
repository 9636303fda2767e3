import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.layers = [nn.Linear(d, d) for _ in range(depth)]
        self.out = nn.Linear(d, 1)

    def forward(self, x):
        for layer in self.layers:
            x = torch.relu(layer(x))
        return self.out(x)


mlp = MLP(4, 3)
opt = torch.optim.Adam(mlp.parameters(), lr=1e-3)
opt.zero_grad()
mlp(torch.randn(2, 4)).sum().backward()
opt.step()
