import torch
from torch import nn


def evaluate(model, x):
    with torch.set_grad_enabled(mode=False):
        return model(x).pow(2).mean()


model = nn.Linear(3, 1)
loss = evaluate(model, torch.randn(4, 3))
loss.backward()
