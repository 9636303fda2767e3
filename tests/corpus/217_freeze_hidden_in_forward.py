import torch
from torch import nn


class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(6, 4)
        self.dec = nn.Linear(4, 1)

    def forward(self, x):
        h = self.enc(x)
        h.requires_grad_(False)
        return self.dec(h)


net = TwoStage()
y = net(torch.randn(2, 6))
