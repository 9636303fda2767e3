import functools

import torch
from torch import nn
from torch.nn import functional as F

CONFIG = {
    "features": 8,
    "targets": 2,
    "lr": 0.05,
    "steps": 3,
    "loss": {"name": "huber", "delta": 0.5, "reduction": "none"},
}

LOSSES = {
    "huber": F.huber_loss,
    "mse": F.mse_loss,
}


def build_criterion(spec):
    base = LOSSES[spec["name"]]
    extra = {"delta": spec["delta"]} if spec["name"] == "huber" else {}
    return functools.partial(base, reduction=spec["reduction"], **extra)


class Regressor(nn.Module):
    def __init__(self, features, targets):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(features, 16), nn.Tanh(), nn.Linear(16, targets))

    def forward(self, x):
        return self.body(x)


def train(model, data, criterion, steps, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    x, y = data
    for _ in range(steps):
        opt.zero_grad()
        pred = model(x)
        loss = criterion(pred, y)
        loss.backward()
        opt.step()
    return model


torch.manual_seed(0)
inputs = torch.randn(20, CONFIG["features"])
targets = inputs[:, :2] * 0.5 + 0.1
model = Regressor(CONFIG["features"], CONFIG["targets"])
crit = build_criterion(CONFIG["loss"])
train(model, (inputs, targets), crit, CONFIG["steps"], CONFIG["lr"])
