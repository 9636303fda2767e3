import torch
from torch import nn

model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
history = []
for _ in range(4):
    x = torch.randn(8, 3)
    loss = (model(x) - x.sum(1, keepdim=True)).abs().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    history.append(loss)
