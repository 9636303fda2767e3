import torch

t = torch.randn(3, requires_grad=True)
t2 = t.to("cpu", non_blocking=True)
opt = torch.optim.SGD([t2], lr=0.1)
t2.sum().backward()
opt.step()
