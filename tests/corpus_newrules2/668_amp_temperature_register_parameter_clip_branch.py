"""Mixed-precision (CPU fp16 autocast) classifier with a learned temperature added for calibration."""
import torch
from torch import nn
import torch.nn.functional as F

CFG = {
    "in_dim": 12,
    "hidden": 24,
    "classes": 5,
    "batch": 32,
    "steps": 3,
    "lr": 1e-2,
    "clip_grad": True,
    "max_norm": 1.0,
    "calibrate": True,
}


class Classifier(nn.Module):
    def __init__(self, in_dim, hidden, classes):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_dim, hidden), nn.GELU(), nn.Linear(hidden, hidden))
        self.head = nn.Linear(hidden, classes)

    def enable_temperature(self):
        self.register_parameter("log_temp", nn.Parameter(torch.zeros(1)))

    def forward(self, x):
        logits = self.head(F.gelu(self.body(x)))
        if hasattr(self, "log_temp"):
            logits = logits / self.log_temp.exp()
        return logits


def make_loader(cfg, n_batches):
    batches = []
    for _ in range(n_batches):
        x = torch.randn(cfg["batch"], cfg["in_dim"])
        y = torch.randint(0, cfg["classes"], (cfg["batch"],))
        batches.append((x, y))
    return batches


def train(model, optimizer, scaler, batches, cfg, norms):
    model.train()
    for x, y in batches:
        optimizer.zero_grad()
        with torch.autocast(device_type="cpu", dtype=torch.float16):
            logits = model(x)
            loss = F.cross_entropy(logits, y)
        scaler.scale(loss).backward()
        if cfg["clip_grad"]:
            total = nn.utils.clip_grad_norm_(model.parameters(), cfg["max_norm"])
            norms.append(total.item())
        scaler.step(optimizer)
        scaler.update()


@torch.no_grad()
def evaluate(model, batches):
    model.eval()
    correct = 0
    for x, y in batches:
        correct += (model(x).argmax(1) == y).sum().item()
    return correct / sum(len(y) for _, y in batches)


torch.manual_seed(0)
model = Classifier(CFG["in_dim"], CFG["hidden"], CFG["classes"])
optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
scaler = torch.amp.GradScaler("cpu")
if CFG["calibrate"]:
    model.enable_temperature()
batches = make_loader(CFG, CFG["steps"])
norms = []
train(model, optimizer, scaler, batches, CFG, norms)
acc = evaluate(model, batches)
