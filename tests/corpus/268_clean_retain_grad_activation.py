import torch
from torch import nn

enc, dec = nn.Linear(3, 5), nn.Linear(5, 1)
act = torch.tanh(enc(torch.randn(2, 3)))
act.retain_grad()
dec(act).sum().backward()
act_grad = act.grad
