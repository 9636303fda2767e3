import torch
from torch import nn

model = nn.Linear(3, 1)
pred = model(torch.randn(4, 3))
loss = nn.functional.mse_loss(pred.detach(), torch.zeros(4, 1))
loss.requires_grad_(True)
loss.backward()
