import torch
from torch import nn, optim


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.gain = nn.Parameter(torch.ones(d))
        self.register_parameter("shift", nn.Parameter(torch.zeros(d)))

    def forward(self, x):
        rms = x.pow(2).mean(-1, keepdim=True).add(self.eps).sqrt()
        return self.gain * x / rms


norm = RMSNorm(4)
opt = optim.Adam(norm.parameters(), lr=0.01)
for _ in range(3):
    opt.zero_grad()
    loss = (norm(torch.randn(8, 4)) - 1).pow(2).mean()
    loss.backward()
    opt.step()
