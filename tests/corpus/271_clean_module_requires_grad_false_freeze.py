import torch
from torch import nn, optim

backbone = nn.Linear(6, 6)
backbone.requires_grad_(False)
head = nn.Linear(6, 2)
emb = nn.Embedding(10, 6)
emb.weight.requires_grad_(False)
opt = optim.SGD(head.parameters(), lr=0.1)
feats = torch.relu(backbone(emb(torch.tensor([1, 2, 3]))))
loss = head(feats).logsumexp(-1).mean()
loss.backward()
opt.step()
