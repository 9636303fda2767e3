"""Regression MLP trained with CPU autocast + GradScaler; gradient clipping lives in a helper."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TrainConfig:
    in_dim: int = 8
    hidden: int = 64
    batch: int = 32
    steps: int = 4
    lr: float = 1e-3
    max_grad_norm: float = 1.0
    amp_dtype: torch.dtype = torch.bfloat16


class MLP(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.SiLU(),
            nn.Linear(hidden, hidden),
            nn.SiLU(),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def clip_gradients(model, max_norm):
    """Clip and return the global gradient norm (for logging)."""
    return torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_norm)


def make_dataset(cfg):
    x = torch.randn(cfg.batch * cfg.steps, cfg.in_dim)
    w_true = torch.randn(cfg.in_dim)
    y = x @ w_true + 0.1 * torch.randn(cfg.batch * cfg.steps)
    return list(zip(x.split(cfg.batch), y.split(cfg.batch)))


def train_one_epoch(model, optimizer, scaler, loader, cfg):
    model.train()
    grad_norms = []
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=cfg.amp_dtype):
            pred = model(xb)
        loss = F.mse_loss(pred.float(), yb)
        scaler.scale(loss).backward()
        grad_norm = clip_gradients(model, cfg.max_grad_norm)
        grad_norms.append(grad_norm.item())
        scaler.step(optimizer)
        scaler.update()
    return grad_norms


def validate(model, loader):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in loader:
            total += F.mse_loss(model(xb), yb).item()
    return total / len(loader)


torch.manual_seed(0)
cfg = TrainConfig()
model = MLP(cfg.in_dim, cfg.hidden)
optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
scaler = torch.amp.GradScaler("cpu")
loader = make_dataset(cfg)
grad_norms = train_one_epoch(model, optimizer, scaler, loader, cfg)
val_loss = validate(model, loader)
