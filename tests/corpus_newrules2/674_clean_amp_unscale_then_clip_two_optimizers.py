"""Backbone + head trained with separate optimizers under CPU autocast; clipping done right."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

CONFIG = {
    "in_dim": 10,
    "hidden": 32,
    "classes": 4,
    "batch": 16,
    "steps": 3,
    "backbone_lr": 1e-3,
    "head_lr": 1e-2,
    "max_norm": 1.0,
    "clip_value": 0.5,
    "use_amp": True,
}


class Backbone(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden))

    def forward(self, x):
        return F.relu(self.layers(x))


def unscale_and_clip(scaler, optimizer, params, max_norm):
    scaler.unscale_(optimizer)
    return clip_grad_norm_(params, max_norm)


def build(cfg):
    backbone = Backbone(cfg["in_dim"], cfg["hidden"])
    head = nn.Linear(cfg["hidden"], cfg["classes"])
    opt_backbone = torch.optim.AdamW(backbone.parameters(), lr=cfg["backbone_lr"])
    opt_head = torch.optim.SGD(head.parameters(), lr=cfg["head_lr"])
    return backbone, head, opt_backbone, opt_head


def train(backbone, head, opt_backbone, opt_head, scaler, cfg, log):
    x = torch.randn(cfg["batch"], cfg["in_dim"])
    y = torch.randint(0, cfg["classes"], (cfg["batch"],))
    for _ in range(cfg["steps"]):
        opt_backbone.zero_grad()
        opt_head.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg["use_amp"]):
            logits = head(backbone(x))
        loss = F.cross_entropy(logits.float(), y)
        scaler.scale(loss).backward()
        norm = unscale_and_clip(scaler, opt_backbone, backbone.parameters(), cfg["max_norm"])
        scaler.unscale_(opt_head)
        clip_grad_value_(head.parameters(), clip_value=cfg["clip_value"])
        log.append((norm.item(), max(p.grad.abs().max().item() for p in head.parameters())))
        scaler.step(opt_backbone)
        scaler.step(opt_head)
        scaler.update()
    return x, y


def evaluate(backbone, head, x, y):
    with torch.no_grad():
        pred = head(backbone(x)).argmax(dim=-1)
    return (pred == y).float().mean().item()


torch.manual_seed(0)
backbone, head, opt_backbone, opt_head = build(CONFIG)
scaler = torch.amp.GradScaler("cpu", enabled=CONFIG["use_amp"])
log = []
x, y = train(backbone, head, opt_backbone, opt_head, scaler, CONFIG, log)
acc = evaluate(backbone, head, x, y)
