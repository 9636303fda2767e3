import torch
import torch.nn.functional as F
from torch import nn


def train_epoch(model, opt, batches):
    total = torch.zeros(())
    for x, y in batches:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        total = total + loss
    return total / len(batches)


net = nn.Linear(6, 3)
sgd = torch.optim.SGD(net.parameters(), lr=0.1)
data = [(torch.randn(4, 6), torch.randint(0, 3, (4,))) for _ in range(3)]
epoch_total = train_epoch(net, sgd, data)
