"""Multi-task regressor: shared trunk, one head per task in an nn.ModuleDict."""
import torch
from torch import nn
import torch.nn.functional as F

TASKS = ("age", "income")
CFG = {"d_in": 10, "d_hidden": 16, "lr": 3e-3, "steps": 4, "batch": 40, "task_weights": {"age": 1.0, "income": 0.5}}


class Trunk(nn.Module):
    def __init__(self, d_in, d_hidden):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc2 = nn.Linear(d_hidden, d_hidden)
        self.cache = None

    def forward(self, x):
        h = F.relu(self.fc1(x))
        self.cache = self.fc2(h)
        return F.relu(self.cache)


class MultiTask(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.trunk = Trunk(cfg["d_in"], cfg["d_hidden"])
        self.heads = nn.ModuleDict({task: nn.Linear(cfg["d_hidden"], 1) for task in TASKS})

    def forward(self, x):
        z = self.trunk(x)
        return {task: head(z).squeeze(-1) for task, head in self.heads.items()}


def make_data(n, d_in):
    x = torch.randn(n, d_in)
    targets = {"age": x[:, 0] * 2.0, "income": x[:, 1] - x[:, 2]}
    return x, targets


def weighted_loss(outputs, targets, weights):
    terms = [weights[t] * F.mse_loss(outputs[t], targets[t]) for t in TASKS]
    return sum(terms)


def grad_report(model):
    report = {
        "age": model.heads["age"].weight.grad.norm().item(),
        "income": model.heads["income"].weight.grad.norm().item(),
    }
    feature_grad = model.trunk.cache.grad
    report["trunk_features"] = None if feature_grad is None else feature_grad.norm().item()
    return report


@torch.no_grad()
def evaluate(model, x, targets):
    outputs = model(x)
    return {t: F.mse_loss(outputs[t], targets[t]).item() for t in TASKS}


def train(cfg):
    torch.manual_seed(0)
    model = MultiTask(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    x, targets = make_data(cfg["batch"], cfg["d_in"])
    age_head_weight = model.heads["age"].weight
    for step in range(cfg["steps"]):
        outputs = model(x)
        loss = weighted_loss(outputs, targets, cfg["task_weights"])
        opt.zero_grad()
        loss.backward()
        opt.step()
    report = grad_report(model)
    print(report, evaluate(model, x, targets), age_head_weight.shape)
    return model, report


model, report = train(CFG)
