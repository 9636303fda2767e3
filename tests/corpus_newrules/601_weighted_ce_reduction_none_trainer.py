import torch
import torch.nn as nn
import torch.nn.functional as F
from dataclasses import dataclass


@dataclass
class Config:
    in_dim: int = 12
    hidden: int = 32
    n_classes: int = 4
    batch_size: int = 16
    steps: int = 3
    lr: float = 1e-2
    class_weighting: str = "per_sample"   # "none" | "per_sample"


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(cfg.in_dim, cfg.hidden),
            nn.ReLU(),
            nn.Linear(cfg.hidden, cfg.hidden),
            nn.ReLU(),
        )
        self.head = nn.Linear(cfg.hidden, cfg.n_classes)

    def forward(self, x):
        h = self.body(x)
        return self.head(h)


def make_data(cfg, n=64):
    x = torch.randn(n, cfg.in_dim)
    y = torch.randint(0, cfg.n_classes, (n,))
    # rarer classes get a bigger weight
    counts = torch.bincount(y, minlength=cfg.n_classes).float()
    sample_w = (counts.sum() / counts.clamp(min=1))[y]
    return x, y, sample_w


def build_criterion(cfg):
    if cfg.class_weighting == "per_sample":
        # keep one loss per sample so each can be weighted
        return nn.CrossEntropyLoss(reduction="none")
    return nn.CrossEntropyLoss()


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.model = Classifier(cfg)
        self.criterion = build_criterion(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)

    def compute_loss(self, logits, y, w):
        per_sample = self.criterion(logits, y)
        if self.cfg.class_weighting == "per_sample":
            return per_sample * w / w.sum()
        return per_sample

    def train_step(self, xb, yb, wb):
        self.opt.zero_grad()
        logits = self.model(xb)
        loss = self.compute_loss(logits, yb, wb)
        loss.backward()
        self.opt.step()
        return loss.detach()

    @torch.no_grad()
    def evaluate(self, x, y):
        logits = self.model(x)
        return (logits.argmax(dim=1) == y).float().mean().item()


def main():
    torch.manual_seed(0)
    cfg = Config()
    x, y, w = make_data(cfg)
    trainer = Trainer(cfg)
    history = []
    for step in range(cfg.steps):
        lo = step * cfg.batch_size
        xb, yb, wb = x[lo:lo + cfg.batch_size], y[lo:lo + cfg.batch_size], w[lo:lo + cfg.batch_size]
        loss = trainer.train_step(xb, yb, wb)
        history.append(loss.sum().item())
    acc = trainer.evaluate(x, y)
    print(f"acc={acc:.3f} losses={history}")


if __name__ == "__main__":
    main()
