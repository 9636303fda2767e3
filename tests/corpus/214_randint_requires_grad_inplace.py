import torch

table = torch.randn(10, 3, requires_grad=True)
idx = torch.randint(0, 10, (4,)).requires_grad_()
rows = table[idx]
rows.sum().backward()
