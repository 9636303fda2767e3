import torch
from torch import nn

model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
model.requires_grad_(False)
loss = model(torch.randn(2, 3)).sum()
loss.backward()
