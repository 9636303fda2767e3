from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parametrizations


@dataclass
class TrainConfig:
    in_dim: int = 8
    hidden: int = 16
    out_dim: int = 2
    use_weight_norm: bool = True
    optimizer: str = "adamw"
    lr: float = 3e-3
    weight_decay: float = 0.01
    accum_steps: int = 4
    max_grad_norm: float = 1.0
    micro_batch: int = 4
    epochs: int = 2
    device: str = "cpu"


def make_model(cfg: TrainConfig) -> nn.Module:
    hidden = nn.Linear(cfg.in_dim, cfg.hidden)
    if cfg.use_weight_norm:
        hidden = parametrizations.weight_norm(hidden)
    return nn.Sequential(hidden, nn.SiLU(), nn.Linear(cfg.hidden, cfg.out_dim))


def build_optimizer(model, cfg: TrainConfig):
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "original0" not in n]
    rest = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "original0" not in n)]
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": rest, "weight_decay": 0.0}]
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(groups, lr=cfg.lr)
    return torch.optim.SGD(groups, lr=cfg.lr, momentum=0.9)


def train_one_epoch(model, optimizer, xs, ys, cfg: TrainConfig):
    model.train()
    running_loss = 0.0
    optimizer.zero_grad(set_to_none=True)
    for i, (xb, yb) in enumerate(zip(xs.split(cfg.micro_batch), ys.split(cfg.micro_batch))):
        logits = model(xb.to(cfg.device))
        loss = F.cross_entropy(logits, yb.to(cfg.device)) / cfg.accum_steps
        loss.backward()
        running_loss += loss.item()
        if (i + 1) % cfg.accum_steps == 0:
            nn.utils.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    return running_loss


def evaluate(model, xs, ys):
    model.eval()
    with torch.inference_mode():
        probs = torch.softmax(model(xs), dim=-1).cpu().numpy()
    preds = probs.argmax(axis=1)
    labels = ys.numpy()
    return {"acc": float((preds == labels).mean()), "nll": float(-np.log(probs[np.arange(len(labels)), labels]).mean())}


cfg = TrainConfig()
torch.manual_seed(0)
model = make_model(cfg).to(cfg.device)
optimizer = build_optimizer(model, cfg)
xs = torch.randn(32, cfg.in_dim)
ys = (xs[:, 0] > 0).long()
g_before = model[0].parametrizations.weight.original0.detach().clone()
history = []
for epoch in range(cfg.epochs):
    history.append(train_one_epoch(model, optimizer, xs, ys, cfg))
metrics = evaluate(model, xs, ys)
effective_weight = model[0].weight
