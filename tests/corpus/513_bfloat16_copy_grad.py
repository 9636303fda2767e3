import torch

w = torch.ones(3, requires_grad=True).bfloat16()
loss = (w * 3).float().sum()
loss.backward()
g = w.grad
