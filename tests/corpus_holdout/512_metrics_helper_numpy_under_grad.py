"""Tabular classifier with a NumPy metrics helper shared by evaluation and training logs."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {"n_features": 12, "n_classes": 3, "hidden": 32, "lr": 1e-2, "epochs": 3, "log_every": 1}


class TabularNet(nn.Module):
    def __init__(self, n_features, n_classes, hidden):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(0.1),
        )
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, x):
        return self.out(self.body(x))


def make_split(n, cfg, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, cfg["n_features"], generator=g)
    y = torch.randint(0, cfg["n_classes"], (n,), generator=g)
    return x, y


def compute_metrics(logits, y, n_classes):
    probs = F.softmax(logits, dim=1)
    probs_np = np.asarray(probs)
    y_np = y.numpy()
    pred = probs_np.argmax(axis=1)
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(y_np, pred):
        confusion[t, p] += 1
    return {
        "acc": float((pred == y_np).mean()),
        "mean_conf": float(probs_np.max(axis=1).mean()),
        "confusion": confusion,
    }


def evaluate(model, x, y, cfg):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        metrics = compute_metrics(logits, y, cfg["n_classes"])
    model.train()
    return metrics


def train_epoch(model, opt, x, y, cfg, batch_size=32):
    perm = torch.randperm(len(x))
    for start in range(0, len(x), batch_size):
        idx = perm[start : start + batch_size]
        logits = model(x[idx])
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if start // batch_size % cfg["log_every"] == 0:
            batch_metrics = compute_metrics(logits, y[idx], cfg["n_classes"])
            print(f"loss {loss.item():.3f} acc {batch_metrics['acc']:.2f}")


torch.manual_seed(0)
x_train, y_train = make_split(128, CFG, seed=1)
x_val, y_val = make_split(64, CFG, seed=2)
model = TabularNet(CFG["n_features"], CFG["n_classes"], CFG["hidden"])
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
baseline = evaluate(model, x_val, y_val, CFG)
print("baseline", baseline["acc"])
for epoch in range(CFG["epochs"]):
    train_epoch(model, opt, x_train, y_train, CFG)
    print("val", evaluate(model, x_val, y_val, CFG)["acc"])
