import torch
from torch.optim import Adam

scale = torch.rand(4, requires_grad=True).float()
shift = torch.ones(4, requires_grad=True).to(torch.float32)
opt = Adam([scale, shift], lr=0.01)
for _ in range(2):
    opt.zero_grad()
    loss = (torch.randn(4) * scale + shift).square().sum()
    loss.backward()
    opt.step()
