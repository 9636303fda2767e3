import torch
import torch.nn as nn
import torch.nn.functional as F


class TrainConfig:
    dim = 16
    hidden = 32
    depth = 2
    num_classes = 3
    lr = 3e-3
    weight_decay = 0.01
    steps = 4
    batch = 10
    layer_scale_init = 0.1


class ResidualBase(nn.Module):
    """Shared parameters for the residual MLP blocks."""

    def __init__(self, dim, hidden, layer_scale_init):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.layer_scale = nn.Parameter(torch.full((dim,), layer_scale_init))

    def mlp(self, x):
        return self.fc2(F.gelu(self.fc1(x)))

    def forward(self, x):
        return x + self.layer_scale * self.mlp(self.norm(x))


class FastBlock(ResidualBase):
    """Same block without the per-channel multiply ("it is initialised near 1 anyway")."""

    def forward(self, x):
        return x + self.mlp(self.norm(x))


class MLPMixerLite(nn.Module):
    def __init__(self, cfg, block_cls=FastBlock):
        super().__init__()
        self.embed = nn.Linear(8, cfg.dim)
        self.blocks = nn.ModuleList(
            [block_cls(cfg.dim, cfg.hidden, cfg.layer_scale_init) for _ in range(cfg.depth)]
        )
        self.head = nn.Linear(cfg.dim, cfg.num_classes)

    def forward(self, x):
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h.mean(dim=1))


def make_batch(cfg):
    tokens = torch.randn(cfg.batch, 5, 8)
    target = torch.randint(0, cfg.num_classes, (cfg.batch,))
    return tokens, target


def train_one_epoch(model, opt, tokens, target, cfg):
    model.train()
    running = 0.0
    for _ in range(cfg.steps):
        opt.zero_grad(set_to_none=True)
        logits = model(tokens)
        loss = F.cross_entropy(logits, target)
        loss.backward()
        opt.step()
        running += loss.item()
    return running / cfg.steps


@torch.no_grad()
def evaluate(model, tokens, target):
    model.eval()
    logits = model(tokens)
    return (logits.argmax(-1) == target).float().mean().item()


torch.manual_seed(0)
cfg = TrainConfig()
model = MLPMixerLite(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
tokens, target = make_batch(cfg)
print("train loss", train_one_epoch(model, opt, tokens, target, cfg))
print("eval acc", evaluate(model, tokens, target))
