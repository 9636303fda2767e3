import torch
from torch import nn

heads = [nn.Linear(3, 1) for _ in range(2)]
x = torch.randn(4, 3)
outs = [h(x) for h in heads]
for o in outs:
    o.requires_grad = False
