import torch
from torch import nn

lin1, lin2 = nn.Linear(4, 4), nn.Linear(4, 2)
opt = torch.optim.SGD([*lin1.parameters(), *lin2.parameters()], lr=0.1)
x = torch.randn(3, 4)

out = lin2(torch.relu(lin1(x)))
loss_a = out.mean()
loss_b = out.pow(2).mean()
opt.zero_grad()
loss_a.backward(retain_graph=True)
opt.step()
loss_b.backward()
