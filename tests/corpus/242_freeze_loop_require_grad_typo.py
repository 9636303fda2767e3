import torch
from torch import nn

backbone = nn.Linear(8, 8)
head = nn.Linear(8, 2)
for p in backbone.parameters():
    p.require_grad = False

opt = torch.optim.SGD(head.parameters(), lr=0.1)
loss = head(torch.relu(backbone(torch.randn(4, 8)))).sum()
loss.backward()
opt.step()
