"""Prompt-tuning style classifier: frozen word embeddings, non-reentrant checkpointing per block."""
import torch
from torch import nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

CFG = {
    "vocab": 30,
    "dim": 16,
    "layers": 3,
    "classes": 3,
    "batch": 8,
    "seq": 7,
    "steps": 3,
    "lr": 1e-2,
    "checkpoint": True,
}


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.ln = nn.LayerNorm(dim)
        self.up = nn.Linear(dim, 4 * dim)
        self.down = nn.Linear(4 * dim, dim)

    def forward(self, x):
        y = self.down(F.relu(self.up(self.ln(x))))
        return x + y


class PromptClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.words = nn.Embedding(cfg["vocab"], cfg["dim"])
        self.layers = nn.ModuleList(FeedForward(cfg["dim"]) for _ in range(cfg["layers"]))
        self.out = nn.Linear(cfg["dim"], cfg["classes"])
        self.grad_ckpt = cfg["checkpoint"]

    def run_layers(self, h):
        for layer in self.layers:
            if self.grad_ckpt:
                h = checkpoint(layer, h, use_reentrant=False)
            else:
                h = layer(h)
        return h

    def forward(self, ids):
        h = self.words(ids)
        h = self.run_layers(h)
        return self.out(h[:, 0])


def data(cfg):
    ids = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["seq"]))
    labels = ids[:, 0] % cfg["classes"]
    return ids, labels


def fit(model, optimizer, ids, labels, steps):
    model.train()
    history = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        logits = model(ids)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history


def accuracy(model, ids, labels):
    model.eval()
    with torch.no_grad():
        preds = model(ids).argmax(-1)
    return (preds == labels).float().mean().item()


torch.manual_seed(0)
model = PromptClassifier(CFG)
model.words.requires_grad_(False)
optimizer = torch.optim.Adam((p for p in model.parameters() if p.requires_grad), lr=CFG["lr"])
first_before = model.layers[0].up.weight.detach().clone()
ids, labels = data(CFG)
history = fit(model, optimizer, ids, labels, CFG["steps"])
acc = accuracy(model, ids, labels)
