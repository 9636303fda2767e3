"""Clean: AMP classification trainer that unscales before clipping (CPU autocast, bfloat16)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

CONFIG = {
    "features": 20,
    "hidden": 48,
    "classes": 5,
    "lr": 0.05,
    "max_norm": 0.5,
    "epochs": 2,
    "batches_per_epoch": 2,
    "batch": 24,
}


class MLP(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.fc1 = nn.Linear(features, hidden)
        self.bn = nn.BatchNorm1d(hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.fc2(F.relu(self.bn(self.fc1(x))))


def unscale_and_clip(scaler, optimizer, params, max_norm):
    scaler.unscale_(optimizer)
    return torch.nn.utils.clip_grad_norm_(params, max_norm)


class Trainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.optimizer = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
        self.scaler = torch.amp.GradScaler("cpu")
        self.norms = []

    def train_batch(self, x, y):
        self.optimizer.zero_grad()
        with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
            logits = self.model(x)
        loss = F.cross_entropy(logits.float(), y)
        self.scaler.scale(loss).backward()
        norm = unscale_and_clip(self.scaler, self.optimizer, self.model.parameters(), self.cfg["max_norm"])
        self.norms.append(norm.item())
        self.scaler.step(self.optimizer)
        self.scaler.update()
        return loss.item()

    def fit(self, data):
        self.model.train()
        history = []
        for epoch in range(self.cfg["epochs"]):
            for x, y in data:
                history.append(self.train_batch(x, y))
        return history

    @torch.no_grad()
    def evaluate(self, data):
        self.model.eval()
        hits, seen = 0, 0
        for x, y in data:
            pred = self.model(x).argmax(dim=1)
            hits += (pred == y).sum().item()
            seen += y.numel()
        return hits / seen


def make_loader(cfg):
    batches = []
    for _ in range(cfg["batches_per_epoch"]):
        x = torch.randn(cfg["batch"], cfg["features"]) * 3.0
        y = torch.randint(0, cfg["classes"], (cfg["batch"],))
        batches.append((x, y))
    return batches


model = MLP(CONFIG["features"], CONFIG["hidden"], CONFIG["classes"])
trainer = Trainer(model, CONFIG)
history = trainer.fit(make_loader(CONFIG))
accuracy = trainer.evaluate(make_loader(CONFIG))
final_grad_norm = torch.linalg.vector_norm(
    torch.stack([p.grad.norm() for p in model.parameters()])
).item()
