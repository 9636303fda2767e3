import torch
from torch import nn, optim

model = nn.Linear(4, 1)
opt = optim.SGD(model.parameters(), lr=0.01)
running = 0.0
for _ in range(5):
    x = torch.randn(8, 4)
    loss = (model(x) - 1).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    running += loss.item()
avg = running / 5
