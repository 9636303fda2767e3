import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)

cfg = {
    "in_dim": 20,
    "feat_dim": 16,
    "num_classes": 4,
    "freeze_backbone": True,
    "stop_feature_grad": True,
    "lr_backbone": 1e-4,
    "lr_head": 1e-2,
    "epochs": 2,
    "batch_size": 8,
}


def freeze(module):
    for p in module.parameters():
        p.require_grad = False
    module.eval()


class Backbone(nn.Module):
    def __init__(self, in_dim, feat_dim):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, 32)
        self.bn = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, feat_dim)

    def forward(self, x):
        return F.relu(self.fc2(F.relu(self.bn(self.fc1(x)))))


class FineTuneClassifier(nn.Module):
    def __init__(self, backbone, cfg):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(cfg["feat_dim"], cfg["num_classes"])
        self.stop_feature_grad = cfg["stop_feature_grad"]

    def forward(self, x):
        feats = self.backbone(x)
        if self.stop_feature_grad:
            feats.requires_grad = False
        return self.head(feats)


def build_optimizer(model, cfg):
    groups = [
        {"params": model.backbone.parameters(), "lr": cfg["lr_backbone"]},
        {"params": model.head.parameters(), "lr": cfg["lr_head"]},
    ]
    return torch.optim.SGD(groups, momentum=0.9)


def make_loader(cfg, n_batches=3):
    xs = torch.randn(n_batches, cfg["batch_size"], cfg["in_dim"])
    ys = torch.randint(0, cfg["num_classes"], (n_batches, cfg["batch_size"]))
    return list(zip(xs, ys))


def train_one_epoch(model, loader, optimizer):
    model.head.train()
    total = 0.0
    for x, y in loader:
        optimizer.zero_grad()
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


backbone = Backbone(cfg["in_dim"], cfg["feat_dim"])
model = FineTuneClassifier(backbone, cfg)
if cfg["freeze_backbone"]:
    freeze(model.backbone)
optimizer = build_optimizer(model, cfg)
loader = make_loader(cfg)

for epoch in range(cfg["epochs"]):
    avg_loss = train_one_epoch(model, loader, optimizer)
