"""Gated regressor with an optional 'hard gate' mode that binarizes the sigmoid gates."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    d_in = 6
    d_hidden = 12
    lr = 0.05
    steps = 5
    batch = 32
    hard_gates = True


def binarize_(probs):
    """Snap gates to {0, 1} without building extra graph nodes."""
    buf = probs.data
    buf.round_()
    return probs


class GatedRegressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = nn.Linear(cfg.d_in, cfg.d_hidden)
        self.gate = nn.Linear(cfg.d_in, cfg.d_hidden)
        self.out = nn.Linear(cfg.d_hidden, 1)
        self.hard = cfg.hard_gates

    def forward(self, x):
        h = F.relu(self.encoder(x))
        g = torch.sigmoid(self.gate(x))
        if self.hard:
            g = binarize_(g)
        return self.out(h * g).squeeze(-1)


def make_batch(cfg):
    x = torch.randn(cfg.batch, cfg.d_in)
    y = x[:, 0] - 0.5 * x[:, 1] + 0.1 * torch.randn(cfg.batch)
    return x, y


def train(model, cfg, x, y):
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    gate_grad_norms = []
    for step in range(cfg.steps):
        pred = model(x)
        loss = F.mse_loss(pred, y)
        opt.zero_grad()
        loss.backward()
        gate_grad_norms.append(model.gate.weight.grad.norm().item())
        opt.step()
    return gate_grad_norms


@torch.no_grad()
def evaluate(model, x, y):
    pred = model(x)
    return F.mse_loss(pred, y).item()


torch.manual_seed(0)
cfg = Config()
model = GatedRegressor(cfg)
x_train, y_train = make_batch(cfg)
x_val, y_val = make_batch(cfg)
gate_grad_norms = train(model, cfg, x_train, y_train)
val_loss = evaluate(model, x_val, y_val)
print("gate grad norms", gate_grad_norms, "val", val_loss)
