import torch
from torch import nn


def to_var(t):
    return torch.autograd.Variable(t)


model = nn.Linear(3, 1)
xb = to_var(torch.randn(4, 3))
yb = to_var(torch.randn(4, 1))
loss = nn.functional.mse_loss(model(xb), yb)
loss.backward()
