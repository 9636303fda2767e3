"""Text classifier: frozen pretrained embedding, checkpointed encoder blocks, trainable head."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)

CONFIG = {
    "vocab": 50,
    "dim": 16,
    "n_blocks": 2,
    "n_classes": 3,
    "grad_ckpt": True,
    "lr": 1e-2,
    "weight_decay": 0.01,
    "steps": 3,
    "batch": 8,
    "seq": 6,
}


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))

    def forward(self, h):
        return h + self.ff(self.norm(h))


class Encoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg["vocab"], cfg["dim"])
        self.blocks = nn.ModuleList(Block(cfg["dim"]) for _ in range(cfg["n_blocks"]))
        self.head = nn.Linear(cfg["dim"], cfg["n_classes"])
        self.grad_ckpt = cfg["grad_ckpt"]

    def freeze_embeddings(self):
        self.embed.weight.requires_grad_(False)

    def encode(self, tokens):
        h = self.embed(tokens)
        for blk in self.blocks:
            if self.grad_ckpt and self.training:
                h = checkpoint(blk, h)
            else:
                h = blk(h)
        return h

    def forward(self, tokens):
        hidden = self.encode(tokens)
        pooled = hidden.mean(dim=1)
        return self.head(pooled)


def make_batch(cfg):
    tokens = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["seq"]))
    labels = torch.randint(0, cfg["n_classes"], (cfg["batch"],))
    return tokens, labels


def train_step(model, optimizer, tokens, labels):
    model.train()
    optimizer.zero_grad()
    logits = model(tokens)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, tokens, labels):
    model.eval()
    logits = model(tokens)
    return (logits.argmax(dim=-1) == labels).float().mean().item()


model = Encoder(CONFIG)
model.freeze_embeddings()
trainable = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.AdamW(trainable, lr=CONFIG["lr"], weight_decay=CONFIG["weight_decay"])
block0_w0 = model.blocks[0].ff[0].weight.detach().clone()
head_w0 = model.head.weight.detach().clone()

history = []
for step in range(CONFIG["steps"]):
    tokens, labels = make_batch(CONFIG)
    history.append(train_step(model, optimizer, tokens, labels))

val_tokens, val_labels = make_batch(CONFIG)
accuracy = evaluate(model, val_tokens, val_labels)
