import torch
from torch import nn
import torch.nn.functional as F

CFG = {
    "in_dim": 9,
    "hidden": 24,
    "n_classes": 4,
    "lr": 2e-3,
    "steps": 4,
    "batch": 16,
    "w": {"cls": 1.0, "reg": 0.5, "aux": 0.2},
    "mode": "weighted",
}


class MultiHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(cfg["in_dim"], cfg["hidden"]), nn.GELU())
        self.heads = nn.ModuleDict(
            {
                "cls": nn.Linear(cfg["hidden"], cfg["n_classes"]),
                "reg": nn.Linear(cfg["hidden"], 1),
                "aux": nn.Linear(cfg["hidden"], cfg["in_dim"]),
            }
        )

    def forward(self, x):
        z = self.trunk(x)
        return {name: head(z) for name, head in self.heads.items()}


CRITERIA = {
    "cls": nn.CrossEntropyLoss(),
    "reg": lambda out, t: F.mse_loss(out.squeeze(-1), t),
    "aux": F.l1_loss,
}


def make_batch(cfg):
    x = torch.randn(cfg["batch"], cfg["in_dim"])
    targets = {
        "cls": torch.randint(0, cfg["n_classes"], (cfg["batch"],)),
        "reg": x.sum(dim=1),
        "aux": x,
    }
    return x, targets


def task_losses(outputs, targets):
    return {name: CRITERIA[name](outputs[name], targets[name]) for name in outputs}


def combine(losses, cfg):
    if cfg["mode"] == "sum":
        return sum(losses.values())
    loss_a = losses["cls"]
    loss_b = losses["reg"] + losses["aux"]
    return loss_a + cfg["w"]["reg"] * loss_b


def train(model, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    log = []
    for step in range(cfg["steps"]):
        x, targets = make_batch(cfg)
        losses = task_losses(model(x), targets)
        loss = combine(losses, dict(cfg, mode="sum") if step % 2 else cfg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        log.append({k: v.item() for k, v in losses.items()})
    return loss, log


@torch.no_grad()
def evaluate(model, cfg):
    x, targets = make_batch(cfg)
    total = combine(task_losses(model(x), targets), cfg)
    return total.item()


torch.manual_seed(0)
model = MultiHead(CFG)
final_loss, log = train(model, CFG)
val = evaluate(model, CFG)
print(log[-1], val)
