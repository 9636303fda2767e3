import torch

table = torch.randn(5, 3, requires_grad=True)
row = table[2]
loss = (row * torch.arange(3.0)).sum()
loss.backward()
row_grad = row.grad
