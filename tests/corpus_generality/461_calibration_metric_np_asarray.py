import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "in_features": 12,
    "hidden": 32,
    "classes": 4,
    "batch": 16,
    "steps": 6,
    "lr": 0.05,
    "log_every": 2,
    "bins": 5,
}


class MLPClassifier(nn.Module):
    def __init__(self, in_features, hidden, classes):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        features = self.body(x)
        return self.head(features)


def make_batch(cfg, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(cfg["batch"], cfg["in_features"], generator=g)
    y = torch.randint(0, cfg["classes"], (cfg["batch"],), generator=g)
    return x, y


def expected_calibration_error(probs, labels, bins):
    # probs comes straight from the training forward pass: it still requires grad
    conf_and_pred = np.asarray(probs)
    confidences = conf_and_pred.max(axis=1)
    predictions = conf_and_pred.argmax(axis=1)
    correct = predictions == np.asarray(labels)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (confidences > lo) & (confidences <= hi)
        if in_bin.any():
            gap = abs(confidences[in_bin].mean() - correct[in_bin].mean())
            ece += in_bin.mean() * gap
    return ece


def train_step(model, optimizer, x, y):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return logits, loss.item()


def log_metrics(step, logits, y, loss_value, cfg):
    probs = F.softmax(logits, dim=1)
    ece = expected_calibration_error(probs, y, cfg["bins"])
    print(f"step {step}: loss={loss_value:.4f} ece={ece:.4f}")


def main(cfg):
    torch.manual_seed(0)
    model = MLPClassifier(cfg["in_features"], cfg["hidden"], cfg["classes"])
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    history = []
    for step in range(cfg["steps"]):
        x, y = make_batch(cfg, seed=step)
        logits, loss_value = train_step(model, optimizer, x, y)
        history.append(loss_value)
        if step % cfg["log_every"] == 0:
            log_metrics(step, logits, y, loss_value, cfg)
    return history


if __name__ == "__main__":
    main(CONFIG)
