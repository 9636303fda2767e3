from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ProbeConfig:
    in_dim: int = 12
    feat_dim: int = 10
    num_classes: int = 3
    mode: str = "linear_probe"  # or "full"
    lr: float = 5e-2
    backbone_lr_mult: float = 0.1
    weight_decay: float = 1e-4
    steps: int = 6


def make_backbone(cfg):
    return nn.Sequential(
        nn.Linear(cfg.in_dim, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, cfg.feat_dim)
    )


class Probe(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.backbone = make_backbone(cfg)
        self.head = nn.Linear(cfg.feat_dim, cfg.num_classes)
        if cfg.mode == "linear_probe":
            self.backbone.requires_grad_(False)

    def forward(self, x):
        if self.cfg.mode == "linear_probe":
            with torch.no_grad():
                feats = self.backbone(x)
            feats.requires_grad = False
        else:
            feats = self.backbone(x)
        return self.head(feats)


def param_groups(model, cfg):
    decay, no_decay = [], []
    for name, p in model.head.named_parameters():
        (no_decay if name.endswith("bias") else decay).append(p)
    groups = [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
        {"params": list(model.backbone.parameters()), "lr": cfg.lr * cfg.backbone_lr_mult},
    ]
    return groups


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    probs = F.softmax(model(x), dim=1).numpy()
    pred = probs.argmax(axis=1)
    acc = float((pred == y.numpy()).mean())
    model.train()
    return acc, probs


cfg = ProbeConfig()
model = Probe(cfg)
opt = torch.optim.AdamW(param_groups(model, cfg), lr=cfg.lr)
x_train = torch.randn(32, cfg.in_dim)
y_train = torch.randint(0, cfg.num_classes, (32,))
backbone_before = [p.detach().clone() for p in model.backbone.parameters()]

accs = []
for step in range(cfg.steps):
    logits = model(x_train)
    loss = F.cross_entropy(logits, y_train)
    opt.zero_grad()
    loss.backward()
    head_grad_norm = model.head.weight.grad.norm().item()
    opt.step()
    acc, probs = evaluate(model, x_train, y_train)
    accs.append(acc)

acc_curve = torch.tensor(accs)
mean_conf = np.max(probs, axis=1).mean()
