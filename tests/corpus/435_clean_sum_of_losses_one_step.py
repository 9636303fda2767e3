import torch
from torch import nn

model = nn.Linear(2, 2)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(2):
    out = model(torch.randn(3, 2))
    losses = [out[:, 0].pow(2).mean(), out[:, 1].abs().mean()]
    total = sum(losses)
    opt.zero_grad()
    total.backward()
    opt.step()
