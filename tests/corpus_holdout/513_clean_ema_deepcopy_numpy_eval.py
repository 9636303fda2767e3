"""Training with an EMA copy of the model; evaluation exports NumPy arrays and top-k indices."""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {"d_in": 8, "n_classes": 5, "lr": 0.05, "steps": 8, "ema_decay": 0.9, "k": 2}


class Net(nn.Module):
    def __init__(self, d_in, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, 32)
        self.fc2 = nn.Linear(32, n_classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def make_ema(model):
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.requires_grad_(False)
    return ema


def ema_update(ema, model, decay):
    with torch.no_grad():
        for e, p in zip(ema.parameters(), model.parameters()):
            e.data.mul_(decay).add_(p.data, alpha=1 - decay)


def predict(model, x):
    logits = model(x)
    return logits, logits.argmax(dim=1)


def export_eval(model, x, y, k):
    with torch.no_grad():
        logits, preds = predict(model, x)
        probs = np.asarray(F.softmax(logits, dim=1))
    topk_idx = logits.topk(k, dim=1).indices
    hits = (topk_idx == y[:, None]).any(dim=1).long()
    correct = (preds == y).long().sum()
    return {
        "probs": probs,
        "top1": correct.item() / len(y),
        "topk": hits.float().mean().item(),
        "preds": preds.tolist(),
    }


torch.manual_seed(0)
x = torch.randn(60, CFG["d_in"])
y = torch.randint(0, CFG["n_classes"], (60,))
model = Net(CFG["d_in"], CFG["n_classes"])
ema = make_ema(model)
opt = torch.optim.SGD(model.parameters(), lr=CFG["lr"])
for step in range(CFG["steps"]):
    logits, preds = predict(model, x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    ema_update(ema, model, CFG["ema_decay"])

report = export_eval(ema, x, y, CFG["k"])
train_acc = (preds == y).float().mean()
ema_w = ema.fc1.weight
print(report["top1"], report["topk"], report["probs"].shape, train_acc.item())
