import torch
from torch import nn

model = nn.Sequential(nn.Linear(5, 3), nn.Softmax(dim=-1))
x = torch.rand(1, 5)
x.requires_grads = True
score = model(x)[0, 1]
score.backward()
