import torch

a = torch.randn(3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
loss = (a * b).sum()
loss.backward(inputs=[a])
ga = a.grad
