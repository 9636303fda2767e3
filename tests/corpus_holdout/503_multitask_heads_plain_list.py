"""Multi-task regression/classification with one shared trunk and a head per task."""
from dataclasses import dataclass, field

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class Config:
    d_in: int = 10
    d_hidden: int = 32
    task_dims: tuple = (3, 1)
    loss_weights: tuple = (1.0, 0.5)
    lr: float = 1e-2
    steps: int = 6
    batch: int = 16
    extras: dict = field(default_factory=lambda: {"log_every": 2})


class MultiTaskNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(cfg.d_in, cfg.d_hidden), nn.ReLU())
        self.heads = [nn.Linear(cfg.d_hidden, d) for d in cfg.task_dims]

    def forward(self, x):
        h = self.trunk(x)
        return [head(h) for head in self.heads]


def make_batch(cfg, gen):
    x = torch.randn(cfg.batch, cfg.d_in, generator=gen)
    y_cls = torch.randint(0, cfg.task_dims[0], (cfg.batch,), generator=gen)
    y_reg = torch.randn(cfg.batch, 1, generator=gen)
    return x, (y_cls, y_reg)


def task_losses(outputs, targets):
    cls_out, reg_out = outputs
    y_cls, y_reg = targets
    return [F.cross_entropy(cls_out, y_cls), F.mse_loss(reg_out, y_reg)]


def combined_loss(outputs, targets, weights):
    parts = task_losses(outputs, targets)
    total = sum(w * part for w, part in zip(weights, parts))
    return total, [p.item() for p in parts]


def evaluate(model, cfg, gen):
    model.eval()
    x, targets = make_batch(cfg, gen)
    with torch.no_grad():
        outputs = model(x)
        total, parts = combined_loss(outputs, targets, cfg.loss_weights)
    model.train()
    return total.item(), parts


def train(model, cfg):
    gen = torch.Generator().manual_seed(1)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    for step in range(cfg.steps):
        x, targets = make_batch(cfg, gen)
        outputs = model(x)
        loss, parts = combined_loss(outputs, targets, cfg.loss_weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % cfg.extras["log_every"] == 0:
            print(step, loss.item(), parts)
    return model, gen


cfg = Config()
torch.manual_seed(0)
model = MultiTaskNet(cfg)
head0_init = model.heads[0].weight.detach().clone()
trunk_init = model.trunk[0].weight.detach().clone()
model, gen = train(model, cfg)
print("eval", evaluate(model, cfg, gen))
