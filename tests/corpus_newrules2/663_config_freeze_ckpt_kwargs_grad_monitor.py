"""Sequence regressor: optional frozen token embedding, checkpointed encoder, gradient monitor."""
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


@dataclass
class Config:
    vocab: int = 40
    dim: int = 12
    seq_len: int = 5
    depth: int = 2
    batch: int = 6
    steps: int = 3
    lr: float = 5e-3
    freeze_embeddings: bool = True
    reentrant: bool = True


class MixerBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, h):
        return h + torch.tanh(self.proj(h))


class Regressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab, cfg.dim)
        self.register_buffer("pos", torch.randn(1, cfg.seq_len, cfg.dim) * 0.02)
        self.encoder = nn.Sequential(*[MixerBlock(cfg.dim) for _ in range(cfg.depth)])
        self.head = nn.Linear(cfg.dim, 1)
        self.ckpt_kwargs = {"use_reentrant": cfg.reentrant}

    def encode(self, ids):
        h = self.tok(ids) + self.pos
        return checkpoint(self.encoder, h, **self.ckpt_kwargs)

    def forward(self, ids):
        h = self.encode(ids)
        return self.head(h.mean(dim=1)).squeeze(-1)


class GradNormMonitor:
    """Records the norm of the gradient flowing out of a module."""

    def __init__(self, module):
        self.norms = []
        self.handle = module.register_backward_hook(self._record)

    def _record(self, module, grad_input, grad_output):
        self.norms.append(grad_output[0].norm().item())


def setup(cfg):
    model = Regressor(cfg)
    if cfg.freeze_embeddings:
        model.tok.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    return model, torch.optim.Adam(params, lr=cfg.lr)


def synthetic_batch(cfg):
    ids = torch.randint(0, cfg.vocab, (cfg.batch, cfg.seq_len))
    target = ids.float().mean(dim=1) / cfg.vocab
    return ids, target


def train(model, optimizer, cfg):
    ids, target = synthetic_batch(cfg)
    losses = []
    for _ in range(cfg.steps):
        optimizer.zero_grad()
        pred = model(ids)
        loss = F.mse_loss(pred, target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(0)
cfg = Config()
model, optimizer = setup(cfg)
monitor = GradNormMonitor(model.head)
losses = train(model, optimizer, cfg)
