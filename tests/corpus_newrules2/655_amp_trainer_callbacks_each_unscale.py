import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class TrainConfig:
    use_amp = True
    max_norm = 1.0
    lr = 2e-3
    steps = 3
    batch = 16
    dim = 10


class GradClip:
    def __init__(self, max_norm):
        self.max_norm = max_norm
        self.norms = []

    def on_after_backward(self, trainer):
        trainer.scaler.unscale_(trainer.optimizer)
        norm = nn.utils.clip_grad_norm_(trainer.model.parameters(), self.max_norm)
        self.norms.append(norm.item())


class NonFiniteGuard:
    def __init__(self):
        self.skipped = 0

    def on_after_backward(self, trainer):
        trainer.scaler.unscale_(trainer.optimizer)
        grads = [p.grad for p in trainer.model.parameters() if p.grad is not None]
        total = torch.stack([g.norm() for g in grads]).sum().item()
        if not math.isfinite(total):
            self.skipped += 1


class Trainer:
    def __init__(self, model, cfg, callbacks):
        self.model = model
        self.cfg = cfg
        self.callbacks = list(callbacks)
        self.optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)
        self.scaler = torch.amp.GradScaler("cpu", enabled=cfg.use_amp)

    def _emit(self, event):
        for cb in self.callbacks:
            getattr(cb, event)(self)

    def training_step(self, x, y):
        self.optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.cfg.use_amp):
            pred = self.model(x)
        loss = F.mse_loss(pred.float(), y)
        self.scaler.scale(loss).backward()
        self._emit("on_after_backward")
        self.scaler.step(self.optimizer)
        self.scaler.update()
        return loss.item()

    def fit(self, x, y):
        return [self.training_step(x, y) for _ in range(self.cfg.steps)]


def regression_data(cfg):
    x = torch.randn(cfg.batch, cfg.dim)
    w = torch.linspace(-1, 1, cfg.dim).unsqueeze(1)
    return x, x @ w + 0.1


torch.manual_seed(0)
cfg = TrainConfig()
model = nn.Sequential(nn.Linear(cfg.dim, 32), nn.SiLU(), nn.Linear(32, 1))
trainer = Trainer(model, cfg, [GradClip(cfg.max_norm), NonFiniteGuard()])
x, y = regression_data(cfg)
history = trainer.fit(x, y)
