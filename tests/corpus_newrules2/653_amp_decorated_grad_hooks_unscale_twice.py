import functools

import torch
import torch.nn as nn
import torch.nn.functional as F


class AmpConfig:
    device = "cpu"
    dtype = torch.bfloat16
    lr = 1e-3
    steps = 3
    max_norm = 1.0
    log_every = 1
    dim = 16
    classes = 4


def needs_unscaled_grads(hook):
    """Decorator: make sure the gradients a hook sees are in real units."""

    @functools.wraps(hook)
    def wrapper(model, opt, scaler, *args, **kwargs):
        scaler.unscale_(opt)
        return hook(model, *args, **kwargs)

    return wrapper


@needs_unscaled_grads
def clip_gradients(model, max_norm):
    return nn.utils.clip_grad_norm_(model.parameters(), max_norm)


@needs_unscaled_grads
def gradient_stats(model):
    return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}


class Net(nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(dim, 32), nn.LayerNorm(32), nn.GELU(), nn.Linear(32, classes)
        )

    def forward(self, x):
        return self.layers(x)


def make_data(cfg, n=64):
    x = torch.randn(n, cfg.dim)
    y = torch.randint(0, cfg.classes, (n,))
    return x, y


def train(cfg):
    model = Net(cfg.dim, cfg.classes)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    scaler = torch.amp.GradScaler(cfg.device)
    x, y = make_data(cfg)
    logs = []
    for step in range(cfg.steps):
        opt.zero_grad(set_to_none=True)
        with torch.autocast(device_type=cfg.device, dtype=cfg.dtype):
            logits = model(x)
            loss = F.cross_entropy(logits.float(), y)
        scaler.scale(loss).backward()
        norm = clip_gradients(model, opt, scaler, cfg.max_norm)
        if step % cfg.log_every == 0:
            logs.append((norm.item(), gradient_stats(model, opt, scaler)))
        scaler.step(opt)
        scaler.update()
    return model, logs


torch.manual_seed(0)
model, logs = train(AmpConfig())
