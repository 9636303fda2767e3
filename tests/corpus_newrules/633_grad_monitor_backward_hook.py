"""Training loop with a gradient-flow monitor hooked onto every Linear layer."""
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

SETTINGS = {
    "in_dim": 10,
    "widths": (32, 16),
    "classes": 3,
    "lr": 0.05,
    "steps": 2,
    "batch": 8,
    "monitor": True,
}


class DeepMLP(nn.Module):
    def __init__(self, in_dim, widths, classes):
        super().__init__()
        layers = []
        prev = in_dim
        for width in widths:
            layers += [nn.Linear(prev, width), nn.ReLU()]
            prev = width
        self.body = nn.Sequential(*layers)
        self.classifier = nn.Linear(prev, classes)

    def forward(self, x):
        return self.classifier(self.body(x))


class GradFlowMonitor:
    def __init__(self):
        self.grad_in = defaultdict(list)
        self.grad_out = defaultdict(list)
        self.handles = []

    def _make_hook(self, name):
        def hook(module, grad_input, grad_output):
            self.grad_in[name].append([None if g is None else tuple(g.shape) for g in grad_input])
            self.grad_out[name].append(grad_output[0].norm().item())
        return hook

    def attach(self, model):
        for name, module in model.named_modules():
            if isinstance(module, nn.Linear):
                self.handles.append(module.register_backward_hook(self._make_hook(name)))

    def detach(self):
        for handle in self.handles:
            handle.remove()


def make_data(cfg):
    x = torch.randn(cfg["steps"] * cfg["batch"], cfg["in_dim"])
    y = torch.randint(0, cfg["classes"], (x.shape[0],))
    return x, y


def train(model, cfg, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for step in range(cfg["steps"]):
        xb = x[step * cfg["batch"]:(step + 1) * cfg["batch"]]
        yb = y[step * cfg["batch"]:(step + 1) * cfg["batch"]]
        opt.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()


def evaluate(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


model = DeepMLP(SETTINGS["in_dim"], SETTINGS["widths"], SETTINGS["classes"])
monitor = GradFlowMonitor()
if SETTINGS["monitor"]:
    monitor.attach(model)
x, y = make_data(SETTINGS)
train(model, SETTINGS, x, y)
acc = evaluate(model, x, y)
monitor.detach()
