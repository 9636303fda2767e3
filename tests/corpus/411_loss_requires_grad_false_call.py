import torch
from torch import nn

model = nn.Linear(2, 1)
loss = model(torch.randn(5, 2)).abs().mean()
loss.requires_grad_(False)
