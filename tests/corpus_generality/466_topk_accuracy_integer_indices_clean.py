import numpy as np
import torch
from torch import nn

SETTINGS = {
    "features": 20,
    "classes": 6,
    "hidden": 24,
    "batch": 32,
    "steps": 5,
    "lr": 0.1,
    "topk": 3,
}


class TinyNet(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.fc1 = nn.Linear(features, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def synthetic_batch(cfg):
    x = torch.randn(cfg["batch"], cfg["features"])
    labels = torch.randint(0, cfg["classes"], (cfg["batch"],))
    return x, labels


def batch_metrics(out, labels, k):
    _, pred = out.max(1)
    correct = pred.eq(labels)
    top_idx = out.topk(k, dim=1).indices
    in_topk = (top_idx == labels.unsqueeze(1)).any(dim=1)
    order = torch.argsort(out, dim=1, descending=True)
    rank = (order == labels.unsqueeze(1)).int().argmax(dim=1)
    confident = torch.nonzero(out.softmax(dim=1).max(dim=1).values > 0.5)
    return {
        "pred": pred.numpy(),
        "acc": correct.float().mean().item(),
        "topk_acc": np.asarray(in_topk).mean(),
        "mean_rank": rank.long().numpy().mean(),
        "n_confident": len(confident.numpy()),
    }


def per_class_counts(out, classes):
    hard = out.argmax(dim=1)
    counts = torch.bincount(hard, minlength=classes)
    return counts.numpy()


def train(cfg):
    torch.manual_seed(0)
    net = TinyNet(cfg["features"], cfg["hidden"], cfg["classes"])
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"])
    log = []
    for step in range(cfg["steps"]):
        x, labels = synthetic_batch(cfg)
        out = net(x)
        loss = criterion(out, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        metrics = batch_metrics(out, labels, cfg["topk"])
        metrics["counts"] = per_class_counts(out, cfg["classes"])
        metrics["loss"] = loss.item()
        log.append(metrics)
    return net, log, loss


def evaluate(net, cfg):
    x, labels = synthetic_batch(cfg)
    logits = net(x)
    sorted_logits, ranking = logits.sort(dim=1, descending=True)
    ties = (sorted_logits[:, 0] == sorted_logits[:, 1]).bool()
    return ranking.numpy()[:, 0], ties.numpy().sum()


net, log, last_loss = train(SETTINGS)
best, n_ties = evaluate(net, SETTINGS)
print(log[-1]["acc"], log[-1]["topk_acc"], best[:5], n_ties)
