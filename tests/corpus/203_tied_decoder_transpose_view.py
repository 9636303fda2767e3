import torch
from torch.optim import SGD

W_enc = torch.randn(6, 3, requires_grad=True)
W_dec = W_enc.t()
opt = SGD([W_enc, W_dec], lr=0.1)

x = torch.randn(10, 6)
for _ in range(2):
    opt.zero_grad()
    recon = torch.tanh(x @ W_enc) @ W_dec
    loss = (recon - x).pow(2).mean()
    loss.backward()
    opt.step()
