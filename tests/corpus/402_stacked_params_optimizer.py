import torch

a = torch.randn(2, requires_grad=True)
b = torch.randn(2, requires_grad=True)
both = torch.stack([a, b])
opt = torch.optim.SGD([both], lr=0.1)
