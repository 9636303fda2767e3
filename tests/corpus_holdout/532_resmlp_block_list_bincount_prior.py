from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


@dataclass
class Config:
    in_dim: int = 10
    width: int = 16
    depth: int = 3
    num_classes: int = 5
    lr: float = 1e-2
    warmup_steps: int = 3
    finetune_steps: int = 2
    tau: float = 1.0
    extra: dict = field(default_factory=dict)


class ResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.fc = nn.Linear(width, width)

    def forward(self, x):
        return x + F.gelu(self.fc(self.norm(x)))


class ResMLP(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.stem = nn.Linear(cfg.in_dim, cfg.width)
        self.blocks = [ResidualBlock(cfg.width) for _ in range(cfg.depth)]
        self.classifier = nn.Linear(cfg.width, cfg.num_classes)

    def forward(self, x):
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.classifier(h)


class LearnablePriorHead(nn.Module):
    """Logit adjustment for long-tailed labels with a learnable class prior."""

    def __init__(self, base, train_labels, cfg: Config):
        super().__init__()
        self.base = base
        self.tau = cfg.tau
        counts = torch.bincount(train_labels, minlength=cfg.num_classes)
        self.prior = nn.Parameter(counts)

    def forward(self, x):
        log_prior = torch.log(self.prior / self.prior.sum())
        return self.base(x) + self.tau * log_prior


def fit(model, x, y, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


cfg = Config()
x_train = torch.randn(40, cfg.in_dim)
y_train = torch.cat([torch.zeros(25, dtype=torch.long), torch.randint(1, cfg.num_classes, (15,))])

model = ResMLP(cfg)
block_before = model.blocks[0].fc.weight.detach().clone()
stem_before = model.stem.weight.detach().clone()
warm_loss = fit(model, x_train, y_train, cfg.warmup_steps, cfg.lr)

adjusted = LearnablePriorHead(model, y_train, cfg)
ft_loss = fit(adjusted, x_train, y_train, cfg.finetune_steps, cfg.lr)
