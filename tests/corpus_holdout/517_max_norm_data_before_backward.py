"""Classifier with a max-norm weight constraint applied from the training step."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


class TrainConfig:
    def __init__(self, **overrides):
        self.lr = 0.1
        self.steps = 4
        self.max_norm = 0.3
        self.constraint_when = "before_backward"
        for key, value in overrides.items():
            setattr(self, key, value)


class Classifier(nn.Module):
    def __init__(self, d_in=8, d_hidden=16, n_classes=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d_in, d_hidden), nn.ReLU(), nn.Linear(d_hidden, n_classes))

    def forward(self, x):
        return self.net(x)


def apply_max_norm(module, max_norm):
    for name, p in module.named_parameters():
        if name.endswith("weight"):
            norms = p.data.norm(dim=1, keepdim=True)
            p.data.mul_(torch.clamp(max_norm / norms, max=1.0))


def train_step(model, opt, x, y, cfg):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    if cfg.constraint_when == "before_backward":
        apply_max_norm(model, cfg.max_norm)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if cfg.constraint_when == "after_step":
        with torch.no_grad():
            apply_max_norm(model, cfg.max_norm)
    return loss.item()


def gradient_of_first_layer(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    return model.net[0].weight.grad.clone()


torch.manual_seed(0)
cfg = TrainConfig(steps=3)
x = torch.randn(64, 8)
y = torch.randint(0, 3, (64,))
model = Classifier()
reference = copy.deepcopy(model)
opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)

history = []
for step in range(cfg.steps):
    history.append(train_step(model, opt, x, y, cfg))
    if step == 0:
        first_grad = model.net[0].weight.grad.clone()

true_grad = gradient_of_first_layer(reference, x, y)
row_norms = model.net[2].weight.detach().norm(dim=1)
print(history, (first_grad - true_grad).abs().max().item(), row_norms.max().item())
