import itertools

import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(6, 12)
        self.proj = nn.Linear(12, 4)
        for p in self.stem.parameters():
            p.requires_grad_(False)

    def forward(self, x):
        return self.proj(torch.relu(self.stem(x)))

    def trainable_parameters(self):
        for p in self.parameters():
            if p.requires_grad:
                yield p


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(4, 6)

    def forward(self, z):
        return self.out(z)


torch.manual_seed(0)
enc, dec = Encoder(), Decoder()
log_noise = nn.Parameter(torch.zeros(1))
params = itertools.chain(enc.trainable_parameters(), dec.parameters(), [log_noise])
opt = torch.optim.Adam(params, lr=1e-2)
x = torch.randn(16, 6)
for _ in range(3):
    recon = dec(enc(x))
    nll = ((recon - x) ** 2 / (2 * log_noise.exp() ** 2)).mean() + log_noise.sum()
    opt.zero_grad()
    nll.backward()
    opt.step()
n_opt = sum(len(g["params"]) for g in opt.param_groups)
