import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    in_dim = 8
    hidden = 16
    classes = 3
    lr = 0.05
    epochs = 2
    n_train = 24
    n_val = 12


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.in_dim, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.classes),
        )

    def forward(self, x):
        return self.net(x)


def class_probabilities(logits):
    """Softmax probabilities as a numpy array (used for metrics and calibration)."""
    probs = F.softmax(logits, dim=-1)
    return probs.numpy()


def accuracy_from_probs(probs, labels):
    return float(np.mean(probs.argmax(axis=1) == labels.numpy()))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        probs = class_probabilities(logits)
    return accuracy_from_probs(probs, y)


def train(model, x, y, x_val, y_val, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    print("before training, val acc", evaluate(model, x_val, y_val))
    for epoch in range(cfg.epochs):
        model.train()
        opt.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        train_acc = accuracy_from_probs(class_probabilities(logits), y)
        val_acc = evaluate(model, x_val, y_val)
        print(epoch, loss.item(), train_acc, val_acc)


torch.manual_seed(0)
cfg = Config()
x_train = torch.randn(cfg.n_train, cfg.in_dim)
y_train = torch.randint(0, cfg.classes, (cfg.n_train,))
x_val = torch.randn(cfg.n_val, cfg.in_dim)
y_val = torch.randint(0, cfg.classes, (cfg.n_val,))
model = MLP(cfg)
train(model, x_train, y_train, x_val, y_val, cfg)
