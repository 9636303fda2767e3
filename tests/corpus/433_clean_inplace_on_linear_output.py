import torch
from torch import nn

lin = nn.Linear(3, 3)
h = lin(torch.randn(2, 3))
h.add_(1.0)
h.relu().sum().backward()
