import torch

w = torch.randn(3, requires_grad=True)
x = torch.randn(3)
score = (w * x).sum()
score.requires_grad = True
score.backward()
