import torch
from torch import nn
import torch.nn.functional as F

CONFIG = {
    "dim": 12,
    "hidden": 24,
    "classes": 3,
    "steps": 2,
    "lr_body": 1e-3,
    "lr_head": 1e-2,
    "max_norm": 0.5,
    "single_optimizer": True,
    "amp_dtype": torch.bfloat16,
}


class Body(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())

    def forward(self, x):
        return self.net(x)


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = Body(c["dim"], c["hidden"])
        self.head = nn.Linear(c["hidden"], c["classes"])

    def forward(self, x):
        return self.head(self.body(x))


def build_optimizers(model, c):
    if c["single_optimizer"]:
        opt_body = torch.optim.Adam(
            [
                {"params": model.body.parameters(), "lr": c["lr_body"]},
                {"params": model.head.parameters(), "lr": c["lr_head"]},
            ]
        )
        opt_head = opt_body
    else:
        opt_body = torch.optim.Adam(model.body.parameters(), lr=c["lr_body"])
        opt_head = torch.optim.Adam(model.head.parameters(), lr=c["lr_head"])
    return [opt_body, opt_head]


def train_step(model, optimizers, scaler, x, y, c):
    for opt in optimizers:
        opt.zero_grad()
    with torch.autocast("cpu", dtype=c["amp_dtype"]):
        loss = F.cross_entropy(model(x).float(), y)
    scaler.scale(loss).backward()
    for opt in optimizers:
        scaler.unscale_(opt)
    torch.nn.utils.clip_grad_norm_(model.parameters(), c["max_norm"])
    for opt in optimizers:
        scaler.step(opt)
    scaler.update()
    return loss.detach()


def evaluate(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


torch.manual_seed(0)
model = Model(CONFIG)
optimizers = build_optimizers(model, CONFIG)
scaler = torch.amp.GradScaler("cpu")
x = torch.randn(32, CONFIG["dim"])
y = torch.randint(0, CONFIG["classes"], (32,))
losses = [train_step(model, optimizers, scaler, x, y, CONFIG) for _ in range(CONFIG["steps"])]
print(evaluate(model, x, y))
