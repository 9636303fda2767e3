"""Functional two-layer net, weights kept in a dict of nn.Parameter, grouped for AdamW."""
import torch
from torch import nn
import torch.nn.functional as F


class Cfg:
    sizes = (6, 12, 2)
    lr = 1e-2
    weight_decay = 0.05
    steps = 6
    n_train = 48
    n_val = 16


def make_params(sizes):
    pairs = list(zip(sizes[:-1], sizes[1:]))
    params = {
        f"w{i}": nn.Parameter(torch.randn(n_out, n_in) * (1.0 / n_in) ** 0.5)
        for i, (n_in, n_out) in enumerate(pairs)
    }
    for i, (_, n_out) in enumerate(pairs):
        params[f"b{i}"] = nn.Parameter(torch.zeros(n_out))
    return params


def param_groups(params, weight_decay):
    decay = [p for name, p in params.items() if name.startswith("w")]
    no_decay = [p for name, p in params.items() if name.startswith("b")]
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


def forward(params, x):
    hidden = F.linear(x, params["w0"], params["b0"])
    hidden = F.gelu(hidden)
    return F.linear(hidden, params["w1"], params["b1"])


def make_split(n, d_in):
    feats = torch.randn(n, d_in)
    target = (feats.sum(dim=1) > 0).long()
    return {"x": feats, "y": target}


def evaluate(params, batch):
    with torch.no_grad():
        logits = forward(params, batch["x"])
        probs = logits.softmax(dim=1)
    confidences = probs.max(dim=1).values.numpy()
    correct = (logits.argmax(dim=1) == batch["y"]).float().mean().item()
    return correct, float(confidences.mean())


def train(params, data, cfg):
    opt = torch.optim.AdamW(param_groups(params, cfg.weight_decay), lr=cfg.lr)
    history = []
    for _ in range(cfg.steps):
        logits = forward(params, data["x"])
        loss = F.cross_entropy(logits, data["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


torch.manual_seed(0)
cfg = Cfg()
params = make_params(cfg.sizes)
w_out = params["w1"]
b_out = params["b1"]
w_out_before = w_out.detach().clone()
train_data = make_split(cfg.n_train, cfg.sizes[0])
val_data = make_split(cfg.n_val, cfg.sizes[0])
history = train(params, train_data, cfg)
acc, conf = evaluate(params, val_data)
print("loss", history[0], "->", history[-1], "val acc", acc, "conf", conf)
