import torch
from torch import nn, optim

encoder = nn.Sequential(nn.Linear(8, 16), nn.ReLU())
head = nn.Linear(16, 1)
opt = optim.SGD(list(encoder.parameters()) + list(head.parameters()), lr=0.01)
x, y = torch.randn(32, 8), torch.randn(32, 1)

feats = encoder(x)
for _epoch in range(3):
    opt.zero_grad()
    loss = ((head(feats) - y) ** 2).mean()
    loss.backward()
    opt.step()
