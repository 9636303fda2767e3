import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    in_dim = 12
    hidden = 24
    classes = 4
    batch = 32
    steps = 4
    lr = 1e-2
    penalty_weight = 1e-3


cfg = Config()


class Classifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(c.in_dim, c.hidden), nn.GELU())
        self.mid = nn.Linear(c.hidden, c.hidden)
        self.head = nn.Linear(c.hidden, c.classes)

    def forward(self, x):
        h = self.encoder(x)
        h = F.gelu(self.mid(h))
        return self.head(h)


def make_batch(c, n):
    x = torch.randn(n, c.in_dim)
    y = (x[:, 0] > 0).long() + 2 * (x[:, 1] > 0).long()
    return x, y


def layer_penalty(model):
    # one norm per Linear layer, stacked so they can be logged individually
    norms = [m.weight.pow(2).sum() for m in model.modules() if isinstance(m, nn.Linear)]
    return torch.stack(norms)


def compute_losses(model, x, y, c):
    logits = model(x)
    losses = {
        "ce": F.cross_entropy(logits, y),
        "penalty": c.penalty_weight * layer_penalty(model),
    }
    return losses, logits


class Trainer:
    def __init__(self, model, c):
        self.model = model
        self.c = c
        self.opt = torch.optim.Adam(model.parameters(), lr=c.lr)
        self.history = []

    def step(self, x, y):
        self.opt.zero_grad()
        losses, _ = compute_losses(self.model, x, y, self.c)
        total = sum(losses.values())
        total.backward()
        self.opt.step()
        self.history.append({k: v.detach().sum().item() for k, v in losses.items()})

    def fit(self, batches):
        for x, y in batches:
            self.step(x, y)


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item()
    model.train()
    return acc


torch.manual_seed(0)
model = Classifier(cfg)
batches = [make_batch(cfg, cfg.batch) for _ in range(cfg.steps)]
x_val, y_val = make_batch(cfg, 64)
trainer = Trainer(model, cfg)
trainer.fit(batches)
print(evaluate(model, x_val, y_val))
