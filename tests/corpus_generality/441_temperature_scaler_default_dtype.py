import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    in_dim = 10
    hidden = 32
    num_classes = 4
    epochs = 4
    lr = 0.1
    calib_steps = 5
    calib_lr = 0.01


class Classifier(nn.Module):
    def __init__(self, in_dim, hidden, num_classes):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU())
        self.out = nn.Linear(hidden, num_classes)

    def forward(self, x):
        return self.out(self.body(x))


class TemperatureScaler:
    """Post-hoc calibration: one learned temperature on held-out logits."""

    def __init__(self, init=1.5, dtype=torch.float64):
        self.dtype = dtype
        self.log_t = torch.full((1,), math.log(init), requires_grad=True).to(dtype)

    def scale(self, logits):
        return logits.to(self.dtype) / self.log_t.exp()

    def fit(self, logits, labels, steps, lr):
        for _ in range(steps):
            nll = F.cross_entropy(self.scale(logits), labels)
            nll.backward()
            grad = self.log_t.grad
            if grad is None:
                break
            with torch.no_grad():
                self.log_t -= lr * grad
                grad.zero_()
        return self.log_t.exp().item()


def make_split(n, cfg):
    x = torch.randn(n, cfg.in_dim)
    y = (x[:, : cfg.num_classes]).argmax(dim=1)
    return x, y


def train(model, x, y, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    for _ in range(cfg.epochs):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def collect_logits(model, x):
    logits = model(x)
    return logits


def evaluate(logits, y, scaler=None):
    if scaler is not None:
        logits = scaler.scale(logits)
    return (logits.argmax(dim=1) == y).float().mean().item()


torch.manual_seed(0)
cfg = Config()
model = Classifier(cfg.in_dim, cfg.hidden, cfg.num_classes)
x_train, y_train = make_split(64, cfg)
x_val, y_val = make_split(32, cfg)
final_loss = train(model, x_train, y_train, cfg)

val_logits = collect_logits(model, x_val)
scaler = TemperatureScaler()
temperature = scaler.fit(val_logits, y_val, cfg.calib_steps, cfg.calib_lr)
acc = evaluate(val_logits, y_val, scaler)
print(f"loss {final_loss:.3f} T {temperature:.3f} acc {acc:.3f}")
