import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "features": 7,
    "hidden": 14,
    "classes": 2,
    "lr": 0.1,
    "epochs": 3,
    "track_grad_norm": True,
}


class Net(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.fc1 = nn.Linear(features, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def loss_and_grad_norm(model, x, y):
    """Loss plus the global gradient norm; shared by training and validation."""
    model.zero_grad()
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    norms = [p.grad.norm() for p in model.parameters() if p.grad is not None]
    total_norm = torch.stack(norms).norm()
    return loss, total_norm


def train_epoch(model, opt, x, y):
    model.train()
    opt.zero_grad()
    loss, grad_norm = loss_and_grad_norm(model, x, y)
    opt.step()
    return loss.item(), grad_norm.item()


@torch.no_grad()
def validate(model, x, y, cfg):
    model.eval()
    if cfg["track_grad_norm"]:
        loss, grad_norm = loss_and_grad_norm(model, x, y)
        return loss.item(), grad_norm.item()
    logits = model(x)
    return F.cross_entropy(logits, y).item(), float("nan")


def main(cfg):
    torch.manual_seed(0)
    x_tr = torch.randn(20, cfg["features"])
    y_tr = (x_tr[:, 0] > 0).long()
    x_va = torch.randn(10, cfg["features"])
    y_va = (x_va[:, 0] > 0).long()
    model = Net(cfg["features"], cfg["hidden"], cfg["classes"])
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        tr = train_epoch(model, opt, x_tr, y_tr)
        va = validate(model, x_va, y_va, cfg)
        print(epoch, tr, va)


main(CONFIG)
