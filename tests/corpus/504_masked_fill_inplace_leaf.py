import torch

w = torch.randn(5, requires_grad=True)
mask = w < 0
w.masked_fill_(mask, 0.0)
