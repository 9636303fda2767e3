"""Residual MLP with an ablation switch between gated and plain residual blocks."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {"dim": 16, "depth": 3, "block": "plain", "lr": 3e-3, "steps": 4, "n_classes": 4}


class GatedBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc = nn.Linear(dim, dim)
        self.gate = nn.Parameter(torch.zeros(dim))

    def branch(self, x):
        return F.gelu(self.fc(self.norm(x)))

    def forward(self, x):
        return x + torch.sigmoid(self.gate) * self.branch(x)


class PlainBlock(GatedBlock):
    """Ablation: same block, residual branch added without the gate."""

    def forward(self, x):
        return x + self.branch(x)


BLOCKS = {"gated": GatedBlock, "plain": PlainBlock}


class ResMLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        block_cls = BLOCKS[cfg["block"]]
        self.embed = nn.Linear(8, cfg["dim"])
        self.blocks = nn.ModuleList([block_cls(cfg["dim"]) for _ in range(cfg["depth"])])
        self.head = nn.Linear(cfg["dim"], cfg["n_classes"])

    def forward(self, x):
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)


def make_data(n, n_classes):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 8, generator=g)
    y = torch.randint(0, n_classes, (n,), generator=g)
    return x, y


def train(model, x, y, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    for step in range(cfg["steps"]):
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    logits = model(x)
    acc = (logits.argmax(-1) == y).float().mean()
    model.train()
    return acc.item()


torch.manual_seed(0)
model = ResMLP(CFG)
x, y = make_data(64, CFG["n_classes"])
final_loss = train(model, x, y, CFG)
last_fc_w = model.blocks[-1].fc.weight
print(final_loss, evaluate(model, x, y), last_fc_w.grad.norm().item())
