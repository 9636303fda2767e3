import torch
import torch.nn as nn
import torch.nn.functional as F

TRAIN = {
    "in_dim": 16,
    "hidden": 32,
    "n_classes": 4,
    "batch": 8,
    "steps": 3,
    "lr": 1e-3,
    "max_grad_norm": 1.0,
    "log_every": 1,
    "amp_dtype": torch.bfloat16,
}


class MLP(nn.Module):
    def __init__(self, in_dim, hidden, n_classes):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_dim, hidden),
            nn.GELU(),
            nn.Linear(hidden, hidden),
            nn.GELU(),
            nn.Linear(hidden, n_classes),
        )

    def forward(self, x):
        return self.net(x)


def clip_gradients(model, optimizer, scaler, max_norm):
    scaler.unscale_(optimizer)
    return torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)


def grad_norm_for_logging(model, optimizer, scaler):
    # report the true (unscaled) gradient norm
    scaler.unscale_(optimizer)
    norms = [p.grad.norm() for p in model.parameters() if p.grad is not None]
    return torch.stack(norms).norm().item()


def train_step(model, optimizer, scaler, xb, yb, step, cfg):
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type="cpu", dtype=cfg["amp_dtype"]):
        logits = model(xb)
        loss = F.cross_entropy(logits.float(), yb)
    scaled = scaler.scale(loss)
    scaled.backward()
    total_norm = clip_gradients(model, optimizer, scaler, cfg["max_grad_norm"])
    if step % cfg["log_every"] == 0:
        gn = grad_norm_for_logging(model, optimizer, scaler)
        print(f"step {step} grad-norm {gn:.4f} (clipped from {total_norm.item():.4f})")
    scaler.step(optimizer)
    scaler.update()
    return loss.item()


@torch.no_grad()
def evaluate(model, x, y):
    logits = model(x)
    return (logits.argmax(1) == y).float().mean().item()


def main():
    torch.manual_seed(0)
    cfg = TRAIN
    x = torch.randn(32, cfg["in_dim"])
    y = torch.randint(0, cfg["n_classes"], (32,))
    model = MLP(cfg["in_dim"], cfg["hidden"], cfg["n_classes"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    scaler = torch.amp.GradScaler("cpu")
    losses = []
    for step in range(cfg["steps"]):
        lo = step * cfg["batch"]
        losses.append(train_step(model, optimizer, scaler, x[lo:lo + cfg["batch"]],
                                 y[lo:lo + cfg["batch"]], step, cfg))
    print(losses, evaluate(model, x, y))


main()
