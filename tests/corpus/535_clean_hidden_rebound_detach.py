import torch
from torch import nn

cell = nn.RNNCell(2, 3)
opt = torch.optim.SGD(cell.parameters(), lr=0.01)
h = torch.zeros(1, 3)
for _ in range(3):
    h = cell(torch.randn(1, 2), h)
    loss = h.pow(2).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    h = h.detach()
