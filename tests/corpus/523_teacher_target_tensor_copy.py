import torch
from torch import nn

teacher, student = nn.Linear(3, 2), nn.Linear(3, 2)
x = torch.randn(4, 3)
target = torch.tensor(teacher(x))
loss = (student(x) - target).pow(2).mean()
loss.backward()
