"""Mixed-precision regression training with gradient clipping (CPU autocast, bfloat16)."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


@dataclass
class AmpConfig:
    in_dim: int = 16
    hidden: int = 64
    lr: float = 1e-2
    max_grad_norm: float = 1.0
    steps: int = 3
    batch: int = 32
    amp_dtype: torch.dtype = torch.bfloat16


class Regressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.in_dim, cfg.hidden),
            nn.GELU(),
            nn.Linear(cfg.hidden, cfg.hidden),
            nn.GELU(),
        )
        self.out = nn.Linear(cfg.hidden, 1)

    def forward(self, x):
        return self.out(self.net(x)).squeeze(-1)


def make_data(cfg, n):
    x = torch.randn(n, cfg.in_dim)
    w = torch.linspace(-1.0, 1.0, cfg.in_dim)
    y = 20.0 * torch.sin(x @ w)
    return x, y


def clip_gradients(model, max_norm):
    return nn.utils.clip_grad_norm_(model.parameters(), max_norm)


def train_step(model, optimizer, scaler, cfg, xb, yb):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type="cpu", dtype=cfg.amp_dtype):
        pred = model(xb)
        loss = F.mse_loss(pred.float(), yb)
    scaler.scale(loss).backward()
    grad_norm = clip_gradients(model, cfg.max_grad_norm)
    scaler.step(optimizer)
    scaler.update()
    return loss.item(), grad_norm.item()


def evaluate(model, cfg, x, y):
    model.eval()
    with torch.no_grad(), torch.autocast(device_type="cpu", dtype=cfg.amp_dtype):
        pred = model(x)
    return F.mse_loss(pred.float(), y).item()


cfg = AmpConfig()
model = Regressor(cfg)
optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
scaler = torch.amp.GradScaler("cpu")
x_train, y_train = make_data(cfg, cfg.steps * cfg.batch)
x_val, y_val = make_data(cfg, 64)

losses, norms = [], []
for step in range(cfg.steps):
    sl = slice(step * cfg.batch, (step + 1) * cfg.batch)
    loss_value, norm_value = train_step(model, optimizer, scaler, cfg, x_train[sl], y_train[sl])
    losses.append(loss_value)
    norms.append(norm_value)

final_grad_norm = torch.linalg.vector_norm(
    torch.stack([p.grad.norm() for p in model.parameters()])
).item()
val_loss = evaluate(model, cfg, x_val, y_val)
