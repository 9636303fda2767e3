import torch
from torch import nn

scale = nn.Parameter(torch.ones(3), requires_grad=False)
scale.mul_(2.0)
w = torch.randn(3, requires_grad=True)
(w * scale).sum().backward()
