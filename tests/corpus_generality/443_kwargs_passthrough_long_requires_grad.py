import torch
from torch import nn
import torch.nn.functional as F

CFG = {
    "n_users": 20,
    "n_items": 30,
    "dim": 8,
    "lr": 0.05,
    "steps": 4,
    "batch": 16,
    "id_dtype": torch.long,
}


def make(*shape, **kw):
    return torch.zeros(*shape, **kw)


def index_tensor(*shape, **kw):
    return make(*shape, dtype=CFG["id_dtype"], **kw)


class MatrixFactorization(nn.Module):
    def __init__(self, n_users, n_items, dim):
        super().__init__()
        self.users = nn.Embedding(n_users, dim)
        self.items = nn.Embedding(n_items, dim)
        self.item_bias = nn.Parameter(make(n_items))
        self.register_buffer("seen", index_tensor(n_items))

    def forward(self, u, i):
        self.seen.index_add_(0, i, torch.ones_like(i))
        dot = (self.users(u) * self.items(i)).sum(dim=1)
        return dot + self.item_bias[i]


def sample_batch(cfg):
    u = torch.randint(0, cfg["n_users"], (cfg["batch"],))
    i = torch.randint(0, cfg["n_items"], (cfg["batch"],))
    r = torch.rand(cfg["batch"]) * 5
    return u, i, r


def train(model, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for _ in range(cfg["steps"]):
        u, i, r = sample_batch(cfg)
        opt.zero_grad()
        loss = F.mse_loss(model(u, i), r)
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, cfg):
    u, i, r = sample_batch(cfg)
    err = (model(u, i) - r).abs().mean()
    return err.item()


def popularity_offsets(model, cfg):
    """Second phase: learn a per-item offset weighted by how often it was seen."""
    offsets = index_tensor(cfg["n_items"], requires_grad=True)
    weights = model.seen.float() / model.seen.sum().clamp(min=1)
    return offsets, weights


torch.manual_seed(0)
model = MatrixFactorization(CFG["n_users"], CFG["n_items"], CFG["dim"])
train_loss = train(model, CFG)
val_mae = evaluate(model, CFG)
print(f"train {train_loss:.3f} val {val_mae:.3f}")
offsets, weights = popularity_offsets(model, CFG)
