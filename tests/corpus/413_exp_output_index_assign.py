import torch

z = torch.randn(4, requires_grad=True)
e = torch.exp(z)
e[0] = 0.0
loss = e.sum()
loss.backward()
