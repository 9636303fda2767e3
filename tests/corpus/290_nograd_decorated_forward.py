import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 4), nn.ReLU())

    @torch.no_grad()
    def forward(self, x):
        return self.net(x)


enc = Encoder()
opt = torch.optim.SGD(enc.parameters(), lr=0.1)
loss = enc(torch.randn(3, 4)).mean()
loss.backward()
opt.step()
