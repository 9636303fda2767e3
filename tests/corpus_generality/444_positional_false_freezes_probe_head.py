import math

import torch
import torch.nn.functional as F


class ProbeConfig:
    in_dim = 12
    feat_dim = 16
    num_classes = 3
    lr = 0.1
    steps = 3
    batch = 24


def make_layer(fan_in, fan_out, trainable=True, bias=True):
    w = torch.randn(fan_in, fan_out) / math.sqrt(fan_in)
    w.requires_grad_(trainable)
    b = torch.zeros(fan_out, requires_grad=trainable) if bias else None
    return w, b


def linear(x, layer):
    w, b = layer
    out = x @ w
    if b is not None:
        out = out + b
    return out


def build_probe(cfg):
    """Frozen random-feature backbone plus a linear probe head that should train."""
    backbone = make_layer(cfg.in_dim, cfg.feat_dim, trainable=False)
    head = make_layer(cfg.feat_dim, cfg.num_classes, False)
    return backbone, head


def features(backbone, x):
    return torch.tanh(linear(x, backbone))


def train_step(backbone, head, opt, x, y):
    opt.zero_grad()
    logits = linear(features(backbone, x), head)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    opt.step()
    return loss.item()


def accuracy(backbone, head, x, y):
    with torch.no_grad():
        pred = linear(features(backbone, x), head).argmax(dim=1)
    return (pred == y).float().mean().item()


torch.manual_seed(0)
cfg = ProbeConfig()
backbone, head = build_probe(cfg)
head_params = [t for t in head if t is not None]
opt = torch.optim.SGD(head_params, lr=cfg.lr)
x = torch.randn(cfg.batch, cfg.in_dim)
y = torch.randint(0, cfg.num_classes, (cfg.batch,))
print("before", accuracy(backbone, head, x, y))
for step in range(cfg.steps):
    loss_value = train_step(backbone, head, opt, x, y)
    print(step, loss_value)
