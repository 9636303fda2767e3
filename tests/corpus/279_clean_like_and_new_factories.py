import torch

x = torch.randn(4, 3)
delta = torch.zeros_like(x, requires_grad=True)
bias = x.new_zeros(3, requires_grad=True)
A = torch.eye(3, requires_grad=True)
steps = torch.arange(0.0, 3.0, requires_grad=True)
opt = torch.optim.Adam([{"params": [delta, bias]}, {"params": [A, steps], "lr": 1e-3}], lr=1e-2)
loss = ((x + delta) @ A + bias + steps).pow(2).sum()
opt.zero_grad()
loss.backward()
opt.step()
