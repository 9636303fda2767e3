"""Config-driven training: factories in dicts, functools.partial optimizers, generator param groups."""
from functools import partial

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": lambda: nn.GELU(approximate="tanh"),
}
OPTIMIZERS = {
    "sgd": partial(torch.optim.SGD, momentum=0.9, nesterov=True),
    "adamw": partial(torch.optim.AdamW, betas=(0.9, 0.99)),
}
LOSSES = {
    "ce": F.cross_entropy,
    "smooth_ce": partial(F.cross_entropy, label_smoothing=0.1),
}
CONFIG = dict(act="gelu", optim="adamw", loss="smooth_ce", lr=3e-3, wd=0.05, steps=6, freeze_norm=True)


def mlp(d_in, d_hidden, d_out, act="relu"):
    return nn.Sequential(
        nn.Linear(d_in, d_hidden),
        nn.LayerNorm(d_hidden),
        ACTIVATIONS[act](),
        nn.Linear(d_hidden, d_out),
    )


def trainable(module, *, with_bias):
    for name, p in module.named_parameters():
        if not p.requires_grad:
            continue
        if name.endswith("bias") == with_bias:
            yield p


def build_optimizer(model, name, lr, wd, **kwargs):
    groups = [
        {"params": list(trainable(model, with_bias=False)), "weight_decay": wd},
        {"params": list(trainable(model, with_bias=True)), "weight_decay": 0.0},
    ]
    return OPTIMIZERS[name](groups, lr=lr, **kwargs)


def step(model, opt, batch, *args, loss_fn, **kwargs):
    x, y = batch
    logits = model(x, *args)
    loss = loss_fn(logits, y, **kwargs)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.detach(), logits.detach()


def evaluate(model, batch, loss_fn):
    x, y = batch
    with torch.no_grad():
        logits = model(x)
        loss = loss_fn(logits, y)
    return loss, (logits.argmax(1) == y).float().mean()


torch.manual_seed(0)
cfg = CONFIG
model = mlp(6, 24, 3, act=cfg["act"])
if cfg["freeze_norm"]:
    for p in model[1].parameters():
        p.requires_grad_(False)
opt = build_optimizer(model, cfg["optim"], cfg["lr"], cfg["wd"], eps=1e-7)
loss_fn = LOSSES[cfg["loss"]]
train_batch = (torch.randn(32, 6), torch.randint(0, 3, (32,)))
val_batch = (torch.randn(32, 6), torch.randint(0, 3, (32,)))
for i in range(cfg["steps"]):
    train_loss, train_logits = step(model, opt, train_batch, loss_fn=loss_fn)
val_loss, val_acc = evaluate(model, val_batch, loss_fn)
norm_w = model[1].weight
head_w = model[-1].weight
print(train_loss.item(), val_loss.item(), val_acc.item())
