import functools

import torch
from torch import nn
import torch.nn.functional as F


class Cfg:
    dim = 12
    hidden = 24
    classes = 3
    accum_steps = 2
    steps = 3
    head_only_steps = 2
    max_norm = 1.0
    micro_batch = 8


def unscaled(fn):
    """Decorator: unscale every optimizer once, then run the gradient hook."""

    @functools.wraps(fn)
    def wrapper(scaler, optimizers, params, *args):
        for opt in optimizers:
            scaler.unscale_(opt)
        return fn(params, *args)

    return wrapper


@unscaled
def clip(params, max_norm):
    return nn.utils.clip_grad_norm_(params, max_norm)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c.dim, c.hidden)
        self.norm = nn.LayerNorm(c.hidden)

    def forward(self, x):
        return F.gelu(self.norm(self.fc(x)))


def micro_batches(c, step):
    g = torch.Generator().manual_seed(step)
    for _ in range(c.accum_steps):
        x = torch.randn(c.micro_batch, c.dim, generator=g)
        y = torch.randint(0, c.classes, (c.micro_batch,), generator=g)
        yield x, y


def train(encoder, head, c):
    opt_enc = torch.optim.AdamW(encoder.parameters(), lr=1e-3)
    opt_head = torch.optim.SGD(head.parameters(), lr=1e-2)
    optimizers = [opt_enc, opt_head]
    params = list(encoder.parameters()) + list(head.parameters())
    scaler = torch.amp.GradScaler("cpu")
    norms = []
    for step in range(c.steps):
        for opt in optimizers:
            opt.zero_grad()
        for x, y in micro_batches(c, step):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = head(encoder(x))
            loss = F.cross_entropy(logits.float(), y) / c.accum_steps
            scaler.scale(loss).backward()
        norms.append(clip(scaler, optimizers, params, c.max_norm).item())
        for opt in optimizers:
            scaler.step(opt)
        scaler.update()
    for step in range(c.head_only_steps):
        opt_head.zero_grad()
        with torch.no_grad():
            feats = encoder(torch.randn(c.micro_batch, c.dim))
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = F.cross_entropy(head(feats).float(), torch.zeros(c.micro_batch, dtype=torch.long))
        scaler.scale(loss).backward()
        scaler.unscale_(opt_head)
        nn.utils.clip_grad_value_(head.parameters(), 0.5)
        scaler.step(opt_head)
        scaler.update()
    return norms


torch.manual_seed(0)
cfg = Cfg()
encoder = Encoder(cfg)
head = nn.Linear(cfg.hidden, cfg.classes)
weight_before = head.weight.detach().clone()
norms = train(encoder, head, cfg)
