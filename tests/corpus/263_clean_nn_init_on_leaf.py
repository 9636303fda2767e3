import torch
from torch import nn

W = torch.empty(4, 3, requires_grad=True)
b = torch.empty(4, requires_grad=True)
nn.init.kaiming_uniform_(W, a=5**0.5)
nn.init.zeros_(b)
out = torch.randn(2, 3) @ W.t() + b
out.sum().backward()
