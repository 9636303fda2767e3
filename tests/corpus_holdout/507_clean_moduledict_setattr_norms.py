"""Encoder with named stages: ModuleDict lookups, setattr-registered norms, a Linear subclass."""
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = SimpleNamespace(d=12, stages=("low", "mid", "high"), n_classes=3, lr=5e-3, steps=5)


class ScaledLinear(nn.Linear):
    def __init__(self, d_in, d_out):
        super().__init__(d_in, d_out)
        self.log_scale = nn.Parameter(torch.zeros(d_out))

    def forward(self, x):
        return super().forward(x) * self.log_scale.exp()


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stage_names = list(cfg.stages)
        self.layers = nn.ModuleDict({name: ScaledLinear(cfg.d, cfg.d) for name in cfg.stages})
        for name in cfg.stages:
            setattr(self, f"norm_{name}", nn.LayerNorm(cfg.d))
        self.register_buffer("feat_mean", torch.zeros(cfg.d))

    def forward(self, x):
        h = x
        for name in self.stage_names:
            norm = getattr(self, f"norm_{name}")
            h = norm(F.relu(self.layers[name](h)))
        if self.training:
            with torch.no_grad():
                self.feat_mean.mul_(0.9).add_(h.mean(dim=0), alpha=0.1)
        else:
            h = h - self.feat_mean
        return h


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = Encoder(cfg)
        self.head = nn.Linear(cfg.d, cfg.n_classes)

    def forward(self, x):
        return self.head(self.encoder(x))


def train(model, x, y, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for step in range(cfg.steps):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
    model.train()
    return (logits.argmax(dim=1) == y).float().mean().item()


torch.manual_seed(0)
x = torch.randn(40, cfg.d)
y = torch.randint(0, cfg.n_classes, (40,))
model = Classifier(cfg)
final = train(model, x, y, cfg)
mid_scale = model.encoder.layers["mid"].log_scale
high_norm_w = getattr(model.encoder, "norm_high").weight
running = model.encoder.feat_mean
print(final.item(), evaluate(model, x, y), mid_scale.grad.abs().sum().item())
