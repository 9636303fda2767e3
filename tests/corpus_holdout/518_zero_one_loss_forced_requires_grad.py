"""Classifier trained with a loss picked from a registry of lambdas."""
import torch
import torch.nn as nn
import torch.nn.functional as F

LOSSES = {
    "ce": lambda logits, y: F.cross_entropy(logits, y),
    "margin": lambda logits, y: F.multi_margin_loss(logits, y),
    "zero_one": lambda logits, y: (logits.argmax(dim=1) != y).float().mean(),
}

CONFIG = {"loss": "zero_one", "lr": 0.1, "epochs": 4, "batch": 25, "d_in": 5, "n_classes": 3}


class LinearProbe(nn.Module):
    def __init__(self, d_in, n_classes):
        super().__init__()
        self.fc = nn.Linear(d_in, n_classes)

    def forward(self, x):
        return self.fc(x)


def batches(x, y, size):
    for start in range(0, len(x), size):
        yield x[start : start + size], y[start : start + size]


def train_step(model, opt, xb, yb, loss_name):
    logits = model(xb)
    loss = LOSSES[loss_name](logits, yb)
    if not loss.requires_grad:
        loss.requires_grad_(True)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


def error_rate(model, x, y):
    with torch.no_grad():
        return LOSSES["zero_one"](model(x), y).item()


torch.manual_seed(0)
x = torch.randn(100, CONFIG["d_in"])
w_true = torch.randn(CONFIG["d_in"], CONFIG["n_classes"])
y = (x @ w_true).argmax(dim=1)
model = LinearProbe(CONFIG["d_in"], CONFIG["n_classes"])
opt = torch.optim.SGD(model.parameters(), lr=CONFIG["lr"])
w_init = model.fc.weight.detach().clone()
before = error_rate(model, x, y)
for epoch in range(CONFIG["epochs"]):
    losses = [train_step(model, opt, xb, yb, CONFIG["loss"]) for xb, yb in batches(x, y, CONFIG["batch"])]
after = error_rate(model, x, y)
print(before, after, sum(losses) / len(losses))
