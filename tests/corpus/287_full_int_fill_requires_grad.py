import torch

bias = torch.full((3,), 1, requires_grad=True)
x = torch.randn(2, 3)
out = (x + bias).sum()
out.backward()
