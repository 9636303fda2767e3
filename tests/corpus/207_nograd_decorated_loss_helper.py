import torch
import torch.nn.functional as F
from torch import nn

net = nn.Linear(3, 2)


@torch.no_grad()
def compute_loss(model, x, target):
    return F.cross_entropy(model(x), target)


x = torch.randn(4, 3)
target = torch.tensor([0, 1, 1, 0])
loss = compute_loss(net, x, target)
loss.backward()
