import torch
from torch import nn

net = nn.Linear(3, 1)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
with torch.no_grad():
    for _ in range(2):
        opt.zero_grad()
        loss = net(torch.randn(4, 3)).pow(2).mean()
        loss.backward()
        opt.step()
