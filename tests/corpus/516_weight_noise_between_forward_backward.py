import torch
from torch import nn

model = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)
out = model(x)
model.weight.data.add_(0.1 * torch.randn(3, 3))
out.sum().backward()
