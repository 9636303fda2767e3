"""BYOL-style self-distillation: online network plus a momentum (EMA) target network."""
import copy

import torch
from torch import nn
import torch.nn.functional as F


class Config:
    dim = 10
    proj = 6
    momentum = 0.99
    lr = 0.03
    steps = 4
    batch = 24
    noise = 0.1


class Encoder(nn.Module):
    def __init__(self, dim, proj):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, proj))

    def forward(self, x):
        return self.net(x)


class Predictor(nn.Module):
    def __init__(self, proj):
        super().__init__()
        self.fc = nn.Linear(proj, proj)

    def forward(self, z):
        return self.fc(z)


def augment(x, noise):
    return x + noise * torch.randn_like(x)


def byol_loss(p, z):
    p = F.normalize(p, dim=-1)
    z = F.normalize(z, dim=-1)
    return (2 - 2 * (p * z).sum(dim=-1)).mean()


def momentum_update(target, online, m):
    for (name, t_param), o_param in zip(target.named_parameters(), online.parameters()):
        t_param.mul_(m)
        t_param.add_((1.0 - m) * o_param.detach())


def train(cfg):
    torch.manual_seed(0)
    online = Encoder(cfg.dim, cfg.proj)
    predictor = Predictor(cfg.proj)
    target = copy.deepcopy(online)
    target.eval()
    params = list(online.parameters()) + list(predictor.parameters())
    opt = torch.optim.Adam(params, lr=cfg.lr)
    x = torch.randn(cfg.batch, cfg.dim)
    history = []
    for step in range(cfg.steps):
        v1, v2 = augment(x, cfg.noise), augment(x, cfg.noise)
        p1 = predictor(online(v1))
        with torch.no_grad():
            z2 = target(v2)
        loss = byol_loss(p1, z2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        momentum_update(target, online, cfg.momentum)
        history.append(loss.item())
    return online, target, history


def embedding_spread(model, x):
    with torch.no_grad():
        emb = F.normalize(model(x), dim=-1)
    return emb.std(dim=0).mean().item()


online, target, history = train(Config())
print(history, embedding_spread(target, torch.randn(16, Config.dim)))
