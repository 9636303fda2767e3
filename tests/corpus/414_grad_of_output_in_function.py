import torch
from torch import nn


def debug_step(model, x):
    out = model(x)
    out.sum().backward()
    return out.grad


g = debug_step(nn.Linear(2, 2), torch.randn(3, 2))
