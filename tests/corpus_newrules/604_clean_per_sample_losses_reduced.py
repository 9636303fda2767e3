import torch
import torch.nn as nn
import torch.nn.functional as F
from types import SimpleNamespace

cfg = SimpleNamespace(in_dim=6, hidden=16, batch=12, steps=3, lr=1e-2, focal_gamma=2.0)


class Regressor(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, 1)
        self.cls = nn.Linear(hidden, 3)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        return self.fc2(h), self.cls(h)


def focal_weights(logits, y, gamma):
    with torch.no_grad():
        p_true = logits.softmax(dim=1).gather(1, y[:, None]).squeeze(1)
    return (1.0 - p_true) ** gamma


def step_loss(model, xb, yb_reg, yb_cls):
    pred, logits = model(xb)
    # (B, 1) predictions averaged over the batch only: shape (1,), one element
    reg = ((pred - yb_reg) ** 2).mean(dim=0)
    per_sample = F.cross_entropy(logits, yb_cls, reduction="none")
    w = focal_weights(logits, yb_cls, cfg.focal_gamma)
    cls = (w * per_sample).mean()
    parts = [reg.squeeze(0), cls]
    return reg, torch.stack(parts).sum()


def train(model, opt, x, y_reg, y_cls):
    log = []
    for step in range(cfg.steps):
        lo = step * cfg.batch
        xb, yr, yc = x[lo:lo + cfg.batch], y_reg[lo:lo + cfg.batch], y_cls[lo:lo + cfg.batch]
        opt.zero_grad()
        reg, loss = step_loss(model, xb, yr, yc)
        if step == 0:
            reg.backward(retain_graph=True)   # one-element tensor: fine without gradient=
            opt.zero_grad()
        loss.backward()
        opt.step()
        log.append(loss.item())
    return log


def saliency(model, x):
    x = x.clone().requires_grad_(True)
    out, _ = model(x)
    out.backward(gradient=torch.ones_like(out))
    return x.grad.abs().mean(dim=0)


@torch.no_grad()
def evaluate(model, x, y_reg):
    pred, _ = model(x)
    return F.mse_loss(pred, y_reg).item()


torch.manual_seed(0)
x = torch.randn(40, cfg.in_dim)
y_reg = x[:, :1] * 2.0 - 1.0
y_cls = torch.randint(0, 3, (40,))
model = Regressor(cfg.in_dim, cfg.hidden)
opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
log = train(model, opt, x, y_reg, y_cls)
sal = saliency(model, x[:8])
mse = evaluate(model, x, y_reg)
print(log, sal, mse)
