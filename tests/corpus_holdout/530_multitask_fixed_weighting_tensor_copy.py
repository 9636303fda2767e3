import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)

TASKS = {
    "age": ("regression", 1),
    "gender": ("classification", 2),
    "emotion": ("classification", 5),
}

CONFIG = {
    "weighting": "fixed",  # "fixed" | "uncertainty"
    "task_weights": {"age": 0.1, "gender": 1.0, "emotion": 1.0},
    "hidden": 24,
    "lr": 1e-2,
    "steps": 3,
}


class MultiTaskNet(nn.Module):
    def __init__(self, tasks, cfg):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(16, cfg["hidden"]), nn.ReLU())
        self.heads = nn.ModuleDict(
            {name: nn.Linear(cfg["hidden"], out_dim) for name, (_, out_dim) in tasks.items()}
        )
        self.log_vars = nn.Parameter(torch.zeros(len(tasks)))
        self.tasks = tasks

    def forward(self, x):
        shared = self.trunk(x)
        return {name: head(shared) for name, head in self.heads.items()}


def task_loss(kind, pred, target):
    if kind == "regression":
        return F.mse_loss(pred.squeeze(-1), target)
    return F.cross_entropy(pred, target)


def combine_losses(model, losses, cfg):
    if cfg["weighting"] == "uncertainty":
        total = 0.0
        for i, value in enumerate(losses.values()):
            total = total + torch.exp(-model.log_vars[i]) * value + model.log_vars[i]
        return total
    weighted = sum(cfg["task_weights"][name] * value for name, value in losses.items())
    return torch.tensor(weighted)


def make_targets(n):
    return {
        "age": torch.rand(n) * 80,
        "gender": torch.randint(0, 2, (n,)),
        "emotion": torch.randint(0, 5, (n,)),
    }


def train_step(model, optimizer, x, targets, cfg):
    outputs = model(x)
    losses = {name: task_loss(model.tasks[name][0], outputs[name], targets[name]) for name in outputs}
    loss = combine_losses(model, losses, cfg)
    if not loss.requires_grad:
        loss.requires_grad_(True)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return {name: value.item() for name, value in losses.items()}


model = MultiTaskNet(TASKS, CONFIG)
optimizer = torch.optim.Adam(model.parameters(), lr=CONFIG["lr"])
trunk_before = model.trunk[0].weight.detach().clone()
x = torch.randn(10, 16)
targets = make_targets(10)
for step in range(CONFIG["steps"]):
    per_task = train_step(model, optimizer, x, targets, CONFIG)
