import torch
from torch import nn


def log_grad_norm(loss, model):
    loss.backward()
    return sum(p.grad.norm() for p in model.parameters())


model = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))
loss = model(torch.randn(2, 3)).mean()
norm = log_grad_norm(loss, model)
loss.backward()
