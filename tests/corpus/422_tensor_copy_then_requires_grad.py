import torch

w = torch.randn(3, requires_grad=True)
h = w * 2
h2 = torch.tensor(h).requires_grad_()
h2.sum().backward()
