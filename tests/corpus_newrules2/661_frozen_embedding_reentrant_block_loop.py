"""Tiny token classifier: gradient checkpointing over a loop of blocks, embeddings frozen."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

CONFIG = {
    "vocab": 50,
    "dim": 16,
    "depth": 3,
    "classes": 4,
    "seq_len": 6,
    "batch": 8,
    "steps": 3,
    "lr": 1e-2,
    "grad_checkpointing": True,
}


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)

    def forward(self, h):
        z = self.fc2(F.gelu(self.fc1(self.norm(h))))
        return h + z


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg["vocab"], cfg["dim"])
        self.blocks = nn.ModuleList([Block(cfg["dim"]) for _ in range(cfg["depth"])])
        self.head = nn.Linear(cfg["dim"], cfg["classes"])
        self.use_checkpoint = cfg["grad_checkpointing"]

    def forward(self, tokens):
        h = self.embed(tokens)
        for block in self.blocks:
            if self.use_checkpoint and self.training:
                h = checkpoint(block, h, use_reentrant=True)
            else:
                h = block(h)
        pooled = h.mean(dim=1)
        return self.head(pooled)


def freeze_embeddings(model):
    for p in model.embed.parameters():
        p.requires_grad = False


def make_batch(cfg):
    tokens = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["seq_len"]))
    labels = torch.randint(0, cfg["classes"], (cfg["batch"],))
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
    return (logits.argmax(dim=1) == labels).float().mean().item()


torch.manual_seed(0)
model = Classifier(CONFIG)
freeze_embeddings(model)
trainable = [p for p in model.parameters() if p.requires_grad]
optimizer = torch.optim.AdamW(trainable, lr=CONFIG["lr"])
block0_before = model.blocks[0].fc1.weight.detach().clone()
tokens, labels = make_batch(CONFIG)
losses = [train_step(model, optimizer, tokens, labels) for _ in range(CONFIG["steps"])]
acc = evaluate(model, tokens, labels)
print(f"losses={losses} acc={acc:.2f}")
