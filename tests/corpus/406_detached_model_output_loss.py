import torch
from torch import nn

model = nn.Sequential(nn.Linear(4, 2))
out = model(torch.randn(3, 4)).detach()
loss = out.pow(2).mean()
loss.backward()
