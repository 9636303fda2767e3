import torch
from torch import nn

model = nn.Linear(3, 2)
flat = model.weight.view(-1)
loss = (flat * torch.arange(6.0)).sum() + model.bias.sum()
loss.backward()
flat_grad = flat.grad
