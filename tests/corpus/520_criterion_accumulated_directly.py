import torch
from torch import nn

model = nn.Linear(2, 1)
criterion = nn.L1Loss()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loss_sum = 0.0
for _ in range(3):
    x, y = torch.randn(4, 2), torch.randn(4, 1)
    out = model(x)
    loss_sum += criterion(out, y)
    opt.zero_grad()
    criterion(out, y).backward()
    opt.step()
