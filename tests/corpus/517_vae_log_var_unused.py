import torch
from torch import nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Linear(2, 4)
        self.log_var = nn.Parameter(torch.zeros(4))

    def forward(self, z):
        mean = self.net(z)
        return mean


vae = Decoder()
opt = torch.optim.Adam(vae.parameters())
for _ in range(2):
    opt.zero_grad()
    (vae(torch.randn(3, 2)) - 1).pow(2).mean().backward()
    opt.step()
