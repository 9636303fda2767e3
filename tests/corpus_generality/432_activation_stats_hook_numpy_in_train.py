import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

SETTINGS = {
    "widths": [10, 16, 16, 4],
    "lr": 0.05,
    "epochs": 2,
    "batch_size": 8,
    "log_every": 1,
}


def build_mlp(widths):
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class ActivationMonitor:
    """Collects per-layer activation statistics for dead-unit detection."""

    def __init__(self):
        self.stats = {}

    def hook_for(self, name):
        def record(module, inp, out):
            values = out.numpy()
            self.stats[name] = (float(np.mean(values > 0)), float(values.std()))
        return record

    def install(self, model):
        handles = []
        for name, module in model.named_modules():
            if isinstance(module, nn.ReLU):
                handles.append(module.register_forward_hook(self.hook_for(name)))
        return handles


def make_loader(n, d_in, n_cls, batch_size):
    x = torch.randn(n, d_in)
    y = torch.randint(0, n_cls, (n,))
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, n, batch_size)]


def train(model, loader, monitor, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        for xb, yb in loader:
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
        if epoch % cfg["log_every"] == 0:
            print(epoch, monitor.stats)


torch.manual_seed(0)
model = build_mlp(SETTINGS["widths"])
monitor = ActivationMonitor()
handles = monitor.install(model)
loader = make_loader(32, SETTINGS["widths"][0], SETTINGS["widths"][-1], SETTINGS["batch_size"])
train(model, loader, monitor, SETTINGS)
