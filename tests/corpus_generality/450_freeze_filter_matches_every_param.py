import itertools

import torch
from torch import nn
import torch.nn.functional as F

CONFIG = {
    "vocab": 50,
    "dim": 16,
    "classes": 3,
    "seq_len": 7,
    "batch": 8,
    "lr": 3e-4,
    "steps": 3,
    "train_prefixes": ("head.", "pooler."),
}


class TextClassifier(nn.Module):
    def __init__(self, vocab, dim, classes):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.encoder = nn.GRU(dim, dim, batch_first=True)
        self.classifier = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, classes))

    def forward(self, tokens):
        states, _ = self.encoder(self.embed(tokens))
        return self.classifier(states.mean(dim=1))


def frozen_parameters(model, train_prefixes):
    return (
        p
        for name, p in model.named_parameters()
        if not name.startswith(train_prefixes)
    )


def freeze_pretrained(model, cfg):
    for p in frozen_parameters(model, cfg["train_prefixes"]):
        p.requires_grad_(False)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print("trainable parameters:", trainable)


def batches(cfg):
    for _ in itertools.count():
        tokens = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["seq_len"]))
        labels = torch.randint(0, cfg["classes"], (cfg["batch"],))
        yield tokens, labels


def evaluate(model, cfg):
    model.eval()
    tokens, labels = next(batches(cfg))
    with torch.no_grad():
        acc = (model(tokens).argmax(dim=1) == labels).float().mean()
    model.train()
    return acc.item()


def finetune(model, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for step, (tokens, labels) in zip(range(cfg["steps"]), batches(cfg)):
        logits = model(tokens)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


torch.manual_seed(0)
model = TextClassifier(CONFIG["vocab"], CONFIG["dim"], CONFIG["classes"])
freeze_pretrained(model, CONFIG)
print("before", evaluate(model, CONFIG))
final = finetune(model, CONFIG)
print("after", evaluate(model, CONFIG), final)
