import functools

import torch
from torch import nn
import torch.nn.functional as F


class Cfg:
    dim = 10
    classes = 3
    steps = 3
    lr = 0.05
    penalty = 1e-3
    reduction = "none"


def reduce_to_mean(loss_fn):
    @functools.wraps(loss_fn)
    def wrapper(logits, labels, mask):
        per_sample = loss_fn(logits, labels)
        return per_sample[mask].mean()

    return wrapper


@reduce_to_mean
def masked_ce(logits, labels):
    return F.cross_entropy(logits, labels, reduction="none")


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1 = nn.Linear(c.dim, 16)
        self.fc2 = nn.Linear(16, c.classes)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def weighted_loss(logits, labels, weights, c):
    per_sample = F.cross_entropy(logits, labels, reduction=c.reduction)
    return (per_sample * weights).sum() / weights.sum()


def layer_norms(model):
    return torch.stack([m.weight.norm() for m in model.modules() if isinstance(m, nn.Linear)])


def all_losses(model, x, y, w, mask, c):
    logits = model(x)
    losses = {
        "weighted": weighted_loss(logits, y, w, c),
        "masked": masked_ce(logits, y, mask),
        "penalty": c.penalty * layer_norms(model).sum(),
    }
    return losses


def saliency(model, x):
    probe = x.clone().requires_grad_(True)
    scores = model(probe).max(dim=1).values
    scores.backward(gradient=torch.ones_like(scores))
    return probe, probe.grad.abs().mean(dim=0)


def train(model, data, c):
    opt = torch.optim.SGD(model.parameters(), lr=c.lr)
    x, y, w, mask = data
    totals = []
    for _ in range(c.steps):
        opt.zero_grad()
        losses = all_losses(model, x, y, w, mask, c)
        total = sum(losses.values())
        total.backward()
        opt.step()
        totals.append(total.item())
    return totals


torch.manual_seed(0)
cfg = Cfg()
x = torch.randn(24, cfg.dim)
y = torch.randint(0, cfg.classes, (24,))
w = torch.rand(24) + 0.5
mask = torch.rand(24) > 0.25
model = Net(cfg)
totals = train(model, (x, y, w, mask), cfg)
model.zero_grad()
probe, sal = saliency(model, x[:6])
