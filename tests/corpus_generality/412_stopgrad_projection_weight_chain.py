"""Projection-head model with an optional stop-gradient through the projection weights."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class HeadConfig:
    d_in: int = 8
    d_proj: int = 6
    n_classes: int = 3
    stop_grad_proj: bool = True
    lr: float = 0.05
    steps: int = 5


class ProjBlock(nn.Module):
    def __init__(self, d_in, d_proj):
        super().__init__()
        self.norm = nn.LayerNorm(d_in)
        self.fc = nn.Linear(d_in, d_proj)


class ProjectionHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.block = ProjBlock(cfg.d_in, cfg.d_proj)
        self.classifier = nn.Linear(cfg.d_proj, cfg.n_classes)

    def project(self, x):
        h = self.block.norm(x)
        if self.cfg.stop_grad_proj:
            z = F.linear(h, self.block.fc.weight.detach(), self.block.fc.bias)
        else:
            z = self.block.fc(h)
        return F.normalize(z, dim=-1)

    def forward(self, x):
        return self.classifier(self.project(x))


def make_data(cfg, n=36):
    x = torch.randn(n, cfg.d_in)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0.5).long()
    return x, y


def train(model, cfg, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)
    losses = []
    for _ in range(cfg.steps):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def evaluate(model, x, y):
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    return (pred == y).float().mean().item()


torch.manual_seed(0)
cfg = HeadConfig()
model = ProjectionHead(cfg)
proj_before = model.block.fc.weight.detach().clone()
x, y = make_data(cfg)
losses = train(model, cfg, x, y)
print(losses, evaluate(model, x, y))
