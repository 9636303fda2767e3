import torch
from torch import nn

net = nn.Sequential(nn.Linear(4, 4), nn.Sigmoid(), nn.ReLU(inplace=True), nn.Linear(4, 1))
loss = net(torch.randn(3, 4)).sum()
loss.backward()
