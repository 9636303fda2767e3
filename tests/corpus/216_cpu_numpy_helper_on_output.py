import torch
from torch import nn


def to_numpy(t):
    return t.cpu().numpy()


model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))
batch = torch.rand(3, 4)
logits = model(batch)
probs = to_numpy(logits.softmax(dim=-1))
