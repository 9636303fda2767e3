from itertools import chain

import torch
from torch import nn
import torch.nn.functional as F

cfg = {"tasks": ["depth", "normals"], "init_std": 0.01, "lr": 1e-3, "steps": 3}


class SharedTrunk(nn.Module):
    def __init__(self, tasks):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(10, 20), nn.ReLU())
        self.heads = nn.ModuleDict({t: nn.Linear(20, 3) for t in tasks})

    def forward(self, x):
        z = self.trunk(x)
        return {t: head(z) for t, head in self.heads.items()}


def make_log_vars(tasks, init_std):
    return {t: torch.randn((), requires_grad=True) * init_std for t in tasks}


def weighted_loss(preds, targets, log_vars):
    total = 0.0
    for t, pred in preds.items():
        task_loss = F.mse_loss(pred, targets[t])
        total = total + torch.exp(-log_vars[t]) * task_loss + log_vars[t]
    return total


def build_optimizer(model, log_vars, lr):
    params = chain(model.parameters(), log_vars.values())
    return torch.optim.Adam(params, lr=lr)


torch.manual_seed(0)
model = SharedTrunk(cfg["tasks"])
log_vars = make_log_vars(cfg["tasks"], cfg["init_std"])
x = torch.randn(12, 10)
targets = {t: torch.randn(12, 3) for t in cfg["tasks"]}
preds = model(x)
loss = weighted_loss(preds, targets, log_vars)
opt = build_optimizer(model, log_vars, cfg["lr"])
for step in range(cfg["steps"]):
    opt.zero_grad()
    loss = weighted_loss(model(x), targets, log_vars)
    loss.backward()
    opt.step()
