import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "in_dim": 10,
    "classes": 3,
    "micro_batch": 8,
    "accum_steps": 4,
    "updates": 3,
    "lr": 0.2,
}


class SoftmaxRegression(nn.Module):
    def __init__(self, in_dim, classes):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(classes, in_dim))
        self.bias = nn.Parameter(torch.zeros(classes))

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


def micro_batches(cfg, update):
    g = torch.Generator().manual_seed(update)
    for _ in range(cfg["accum_steps"]):
        x = torch.randn(cfg["micro_batch"], cfg["in_dim"], generator=g)
        y = torch.randint(0, cfg["classes"], (cfg["micro_batch"],), generator=g)
        yield x, y


def zero_all(model):
    for p in model.parameters():
        if p.grad is not None:
            p.grad.zero_()


@torch.no_grad()
def manual_step(model, lr, accum_steps):
    for p in model.parameters():
        p -= lr * p.grad / accum_steps


def train(cfg):
    torch.manual_seed(0)
    model = SoftmaxRegression(cfg["in_dim"], cfg["classes"])
    per_update_loss = []
    for update in range(cfg["updates"]):
        running = 0.0
        # gradients deliberately add up over the micro-batches of one update
        for x, y in micro_batches(cfg, update):
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            running += loss.item()
        manual_step(model, cfg["lr"], cfg["accum_steps"])
        zero_all(model)
        per_update_loss.append(running / cfg["accum_steps"])
    return model, per_update_loss


def evaluate(model, cfg):
    correct, total = 0, 0
    with torch.no_grad():
        for x, y in micro_batches(cfg, 99):
            pred = model(x).argmax(dim=1)
            correct += (pred == y).sum().item()
            total += y.numel()
    return correct / total


model, per_update_loss = train(CONFIG)
print(per_update_loss, evaluate(model, CONFIG))
