import torch

w = torch.randn(3).requires_grad_()
w64 = w.to(torch.float64)
opt = torch.optim.SGD([w], lr=0.1)
loss = (w64 * 2).sum()
loss.backward()
opt.step()
