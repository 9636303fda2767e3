import torch
from torch import nn

model = nn.Linear(3, 1).double()
x = torch.randn(4, 3).double().requires_grad_()
opt = torch.optim.SGD([*model.parameters(), x], lr=0.1)
loss = model(x).pow(2).mean()
opt.zero_grad()
loss.backward()
opt.step()
