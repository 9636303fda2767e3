"""Warm up a classifier, then re-initialise its head (a common trick before fine-tuning)."""
import math

import torch
from torch import nn
from torch.nn import functional as F

CONFIG = {
    "d_in": 10,
    "hidden": 20,
    "n_classes": 4,
    "lr": 0.1,
    "steps": 6,
    "reset_head_at": 3,
}


def build_model(cfg):
    model = nn.Module()
    model.encoder = nn.Sequential(nn.Linear(cfg["d_in"], cfg["hidden"]), nn.ReLU())
    model.head = nn.Linear(cfg["hidden"], cfg["n_classes"])
    return model


def init_encoder(model):
    first = model.encoder[0]
    bound = 1.0 / math.sqrt(first.in_features)
    with torch.no_grad():
        first.weight.uniform_(-bound, bound)
        first.bias.zero_()


def reset_head(model, cfg):
    head = getattr(model, "head")
    std = 1.0 / math.sqrt(head.in_features)
    head.weight.normal_(0.0, std)


def run_model(model, x):
    features = model.encoder(x)
    return model.head(features)


def make_batch(cfg, n=32):
    x = torch.randn(n, cfg["d_in"])
    y = x[:, : cfg["n_classes"]].argmax(dim=1)
    return x, y


def accuracy(model, x, y):
    with torch.no_grad():
        logits = run_model(model, x)
    return (logits.argmax(1) == y).float().mean().item()


def main(cfg):
    torch.manual_seed(0)
    model = build_model(cfg)
    init_encoder(model)
    enc_weight = model.encoder[0].weight
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    x, y = make_batch(cfg)
    for step in range(cfg["steps"]):
        logits = run_model(model, x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step + 1 == cfg["reset_head_at"]:
            print("warm-up acc", accuracy(model, x, y))
            reset_head(model, cfg)
    print("final acc", accuracy(model, x, y), enc_weight.norm().item())


if __name__ == "__main__":
    main(CONFIG)
