import torch

torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
x = torch.randn(3, requires_grad=True)
w_at_forward = w.detach().clone()
y = (w * x).sum()
w.data.zero_()
y.backward()
