import torch
from torch import autograd, nn

critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
real, fake = torch.randn(5, 3), torch.randn(5, 3)
alpha = torch.rand(5, 1)
x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
scores = critic(x_hat)
(grads,) = autograd.grad(scores.sum(), x_hat, create_graph=True)
penalty = ((grads.norm(2, dim=1) - 1) ** 2).mean()
penalty.backward()
