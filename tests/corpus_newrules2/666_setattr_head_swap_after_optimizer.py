"""Pretrain a small classifier on 10 classes, then fine-tune it on 4 classes with a new head."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "in_dim": 20,
    "hidden": 32,
    "pretrain_classes": 10,
    "finetune_classes": 4,
    "head_attr": "classifier",
    "lr": 0.05,
    "momentum": 0.9,
    "pretrain_steps": 3,
    "finetune_steps": 4,
    "batch": 16,
}


class Net(nn.Module):
    def __init__(self, in_dim, hidden, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
        )
        self.classifier = nn.Linear(hidden, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x))


def build_optimizer(model, cfg):
    return torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])


def replace_head(model, attr, num_classes):
    old = getattr(model, attr)
    setattr(model, attr, nn.Linear(old.in_features, num_classes))
    return getattr(model, attr)


def make_data(cfg, num_classes):
    x = torch.randn(cfg["batch"], cfg["in_dim"])
    y = torch.randint(0, num_classes, (cfg["batch"],))
    return x, y


def run_epoch(model, optimizer, x, y, steps):
    model.train()
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    pred = model(x).argmax(dim=1)
    return (pred == y).float().mean().item()


torch.manual_seed(0)
model = Net(CONFIG["in_dim"], CONFIG["hidden"], CONFIG["pretrain_classes"])
optimizer = build_optimizer(model, CONFIG)

x_pre, y_pre = make_data(CONFIG, CONFIG["pretrain_classes"])
pre_losses = run_epoch(model, optimizer, x_pre, y_pre, CONFIG["pretrain_steps"])

head = replace_head(model, CONFIG["head_attr"], CONFIG["finetune_classes"])
head_init = head.weight.detach().clone()
x_ft, y_ft = make_data(CONFIG, CONFIG["finetune_classes"])
ft_losses = run_epoch(model, optimizer, x_ft, y_ft, CONFIG["finetune_steps"])
acc = evaluate(model, x_ft, y_ft)
print(f"pretrain {pre_losses[-1]:.3f} finetune {ft_losses[-1]:.3f} acc {acc:.2f}")
