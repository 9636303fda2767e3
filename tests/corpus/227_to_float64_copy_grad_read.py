import torch

theta = torch.zeros(2, requires_grad=True).to(torch.float64)
data = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
nll = ((data @ theta) - 1.0).pow(2).sum()
nll.backward()
g = theta.grad
