"""Clean: two-stage fine-tuning that keeps the optimizer in sync with the model."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class Config:
    def __init__(self):
        self.in_dim = 10
        self.width = 24
        self.old_classes = 6
        self.new_classes = 3
        self.lr = 0.05
        self.adapter_lr = 0.01
        self.steps_per_stage = 2
        self.batch = 12


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.stem = nn.Linear(cfg.in_dim, cfg.width)
        self.block = nn.Sequential(nn.LayerNorm(cfg.width), nn.Linear(cfg.width, cfg.width), nn.SiLU())
        self.fc = nn.Linear(cfg.width, cfg.old_classes)
        self.adapter = None

    def forward(self, x):
        h = self.block(self.stem(x))
        if self.adapter is not None:
            h = h + self.adapter(h)
        return self.fc(h)


def make_optimizer(model, cfg):
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    return torch.optim.SGD(
        [{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.lr,
        momentum=0.9,
    )


def replace_head(model, n_classes):
    model.fc = nn.Linear(model.fc.in_features, n_classes)


def attach_adapter(model, optimizer, cfg):
    model.adapter = nn.Linear(cfg.width, cfg.width)
    nn.init.zeros_(model.adapter.weight)
    optimizer.add_param_group({"params": list(model.adapter.parameters()), "lr": cfg.adapter_lr})


def train(model, optimizer, cfg, n_classes):
    for _ in range(cfg.steps_per_stage):
        x = torch.randn(cfg.batch, cfg.in_dim)
        y = torch.randint(0, n_classes, (cfg.batch,))
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()


def evaluate(model, cfg, n_classes):
    model.eval()
    with torch.no_grad():
        x = torch.randn(cfg.batch, cfg.in_dim)
        y = torch.randint(0, n_classes, (cfg.batch,))
        acc = (model(x).argmax(1) == y).float().mean()
    model.train()
    return acc.item()


cfg = Config()
model = Backbone(cfg)
optimizer = make_optimizer(model, cfg)
train(model, optimizer, cfg, cfg.old_classes)

replace_head(model, cfg.new_classes)
optimizer = make_optimizer(model, cfg)
head_w0 = model.fc.weight.detach().clone()
train(model, optimizer, cfg, cfg.new_classes)

attach_adapter(model, optimizer, cfg)
adapter_w0 = model.adapter.weight.detach().clone()
train(model, optimizer, cfg, cfg.new_classes)
acc = evaluate(model, cfg, cfg.new_classes)
