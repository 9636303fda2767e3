import torch


def make_params(n_in, n_out):
    w = torch.randn(n_in, n_out) * 0.01
    w.requires_grad_()
    b = torch.zeros(n_out, requires_grad=True)
    return w, b


w, b = make_params(5, 2)
opt = torch.optim.SGD((p for p in (w, b)), lr=0.1)
x = torch.randn(3, 5)
loss = (x @ w + b).pow(2).mean()
opt.zero_grad()
loss.backward()
opt.step()
