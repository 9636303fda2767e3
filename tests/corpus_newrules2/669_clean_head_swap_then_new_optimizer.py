"""Transfer learning: swap the head in a helper, freeze the backbone, and build the optimizer after."""
import torch
from torch import nn
import torch.nn.functional as F


class Config:
    in_dim = 16
    width = 32
    source_classes = 8
    target_classes = 3
    batch = 24
    steps = 4
    lr = 0.1
    freeze_backbone = True


class Backbone(nn.Module):
    def __init__(self, in_dim, width):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, width)
        self.fc2 = nn.Linear(width, width)

    def forward(self, x):
        return F.relu(self.fc2(F.relu(self.fc1(x))))


class Model(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.backbone = Backbone(cfg.in_dim, cfg.width)
        self.head = nn.Linear(cfg.width, cfg.source_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def make_optimizer(model, cfg):
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=cfg.lr, momentum=0.9)


def adapt_for_target(model, cfg):
    model.head = nn.Linear(model.head.in_features, cfg.target_classes)
    if cfg.freeze_backbone:
        for p in model.backbone.parameters():
            p.requires_grad_(False)
    return make_optimizer(model, cfg)


def step(model, optimizer, x, y):
    optimizer.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    optimizer.step()
    return loss.detach()


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return F.cross_entropy(logits, y).item()


torch.manual_seed(0)
cfg = Config()
model = Model(cfg)
pre_opt = make_optimizer(model, cfg)
x_src = torch.randn(cfg.batch, cfg.in_dim)
y_src = torch.randint(0, cfg.source_classes, (cfg.batch,))
for _ in range(2):
    step(model, pre_opt, x_src, y_src)

optimizer = adapt_for_target(model, cfg)
head_init = model.head.weight.detach().clone()
fc1_init = model.backbone.fc1.weight.detach().clone()
x_tgt = torch.randn(cfg.batch, cfg.in_dim)
y_tgt = torch.randint(0, cfg.target_classes, (cfg.batch,))
model.train()
losses = [step(model, optimizer, x_tgt, y_tgt) for _ in range(cfg.steps)]
val = evaluate(model, x_tgt, y_tgt)
