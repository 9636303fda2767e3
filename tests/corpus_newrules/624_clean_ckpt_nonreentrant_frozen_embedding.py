"""Clean: frozen token embedding with activation checkpointing done right."""
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils import checkpoint as ckpt

torch.manual_seed(0)


class TrainConfig:
    def __init__(self, **overrides):
        self.vocab = 40
        self.dim = 16
        self.ctx_len = 5
        self.seq = 7
        self.n_blocks = 2
        self.n_classes = 3
        self.lr = 3e-3
        self.steps = 3
        self.batch = 4
        self.__dict__.update(overrides)


class MLPBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, h):
        return h + self.fc2(F.gelu(self.fc1(h)))


class ContextClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok = nn.Embedding(cfg.vocab, cfg.dim)
        self.tok.weight.requires_grad = False
        self.pos = nn.Parameter(torch.zeros(cfg.seq, cfg.dim))
        self.ctx_proj = nn.Linear(cfg.dim, cfg.dim)
        self.blocks = nn.ModuleList([MLPBlock(cfg.dim) for _ in range(cfg.n_blocks)])
        self.out = nn.Linear(cfg.dim, cfg.n_classes)

    def context(self, ctx_tokens):
        ctx = self.tok(ctx_tokens)
        if self.training:
            ctx = ckpt.checkpoint(self.ctx_proj, ctx, use_reentrant=False)
        else:
            ctx = self.ctx_proj(ctx)
        return ctx.mean(dim=1, keepdim=True)

    def forward(self, tokens, ctx_tokens):
        h = self.tok(tokens) + self.pos
        for block in self.blocks:
            h = ckpt.checkpoint(block, h, use_reentrant=True) if self.training else block(h)
        h = h + self.context(ctx_tokens)
        return self.out(h.mean(dim=1))


def batches(cfg):
    for _ in range(cfg.steps):
        tokens = torch.randint(0, cfg.vocab, (cfg.batch, cfg.seq))
        ctx_tokens = torch.randint(0, cfg.vocab, (cfg.batch, cfg.ctx_len))
        labels = torch.randint(0, cfg.n_classes, (cfg.batch,))
        yield tokens, ctx_tokens, labels


def fit(model, cfg):
    opt = torch.optim.Adam((p for p in model.parameters() if p.requires_grad), lr=cfg.lr)
    losses = []
    for tokens, ctx_tokens, labels in batches(cfg):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(tokens, ctx_tokens), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def evaluate(model, cfg):
    model.eval()
    correct = 0
    with torch.no_grad():
        for tokens, ctx_tokens, labels in batches(cfg):
            logits = model(tokens, ctx_tokens)
            correct += (logits.argmax(-1) == labels).sum().item()
    return correct / (cfg.steps * cfg.batch)


cfg = TrainConfig(steps=2)
model = ContextClassifier(cfg)
ctx_w0 = model.ctx_proj.weight.detach().clone()
losses = fit(model, cfg)
acc = evaluate(model, cfg)
