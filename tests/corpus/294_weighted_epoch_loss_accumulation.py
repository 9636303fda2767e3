import torch
import torch.nn.functional as F
from torch import nn, optim

model = nn.Linear(5, 2)
opt = optim.SGD(model.parameters(), lr=0.1)
batches = [(torch.randn(n, 5), torch.randint(0, 2, (n,))) for n in (4, 6, 3)]
epoch_loss = 0
for xb, yb in batches:
    loss = F.cross_entropy(model(xb), yb)
    opt.zero_grad()
    loss.backward()
    opt.step()
    epoch_loss += loss * xb.size(0)
mean_loss = epoch_loss / sum(len(b[0]) for b in batches)
