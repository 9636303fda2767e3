import torch
import torch.nn as nn

torch.manual_seed(0)

trunk = nn.Sequential(nn.Linear(10, 16), nn.GELU())
heads = nn.ModuleDict({
    "age": nn.Linear(16, 1),
    "income": nn.Linear(16, 1),
    "churn": nn.Linear(16, 1),
})
params = list(trunk.parameters()) + list(heads.parameters())
optimizer = torch.optim.SGD(params, lr=0.05)

features = torch.randn(24, 10)
targets = {name: torch.randn(24, 1) for name in heads}


def task_losses(x, ys):
    shared = trunk(x)
    out = []
    for name, head in heads.items():
        pred = head(shared)
        out.append(((pred - ys[name]) ** 2).mean())
    return out


for step in range(2):
    optimizer.zero_grad()
    losses = task_losses(features, targets)
    total = torch.stack(losses)
    total.backward()
    optimizer.step()
