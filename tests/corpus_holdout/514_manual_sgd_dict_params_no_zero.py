"""Logistic regression trained with a hand-written SGD step over a dict of parameters."""
import torch
import torch.nn.functional as F


class Config:
    n = 200
    d = 6
    lr = 0.02
    epochs = 6
    l2 = 1e-3


def make_dataset(cfg):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(cfg.n, cfg.d, generator=g)
    true_w = torch.randn(cfg.d, 1, generator=g)
    y = (x @ true_w > 0).float()
    return x, y


def init_params(d):
    return {
        "w": torch.zeros(d, 1, requires_grad=True),
        "b": torch.zeros(1, requires_grad=True),
    }


def logits_of(params, x):
    return x @ params["w"] + params["b"]


def objective(params, x, y, l2):
    data_term = F.binary_cross_entropy_with_logits(logits_of(params, x), y)
    reg = sum(p.pow(2).sum() for name, p in params.items() if name != "b")
    return data_term + l2 * reg


def sgd_update(params, lr):
    with torch.no_grad():
        for name, p in params.items():
            p -= lr * p.grad


def accuracy(params, x, y):
    with torch.no_grad():
        pred = (logits_of(params, x) > 0).float()
    return (pred == y).float().mean().item()


def fit(params, x, y, cfg):
    grad_norms = []
    for epoch in range(cfg.epochs):
        loss = objective(params, x, y, cfg.l2)
        loss.backward()
        sgd_update(params, cfg.lr)
        grad_norms.append(params["w"].grad.norm().item())
    return grad_norms


cfg = Config()
x, y = make_dataset(cfg)
params = init_params(cfg.d)
grad_norms = fit(params, x, y, cfg)
w_final = params["w"]
print("acc", accuracy(params, x, y), grad_norms)
