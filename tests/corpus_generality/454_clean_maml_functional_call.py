import torch
from torch import nn
from torch.func import functional_call
import torch.nn.functional as F


class MetaConfig:
    tasks_per_batch = 3
    support = 5
    query = 10
    inner_lr = 0.05
    inner_steps = 2
    outer_lr = 1e-3
    meta_steps = 3


class SineNet(nn.Module):
    def __init__(self, hidden=20):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def sample_task(cfg):
    amp = torch.rand(1) * 4.5 + 0.5
    phase = torch.rand(1) * 3.14
    xs = torch.rand(cfg.support + cfg.query, 1) * 10 - 5
    ys = amp * torch.sin(xs + phase)
    return (xs[: cfg.support], ys[: cfg.support]), (xs[cfg.support :], ys[cfg.support :])


def adapt(model, params, support, cfg):
    x_s, y_s = support
    fast = dict(params)
    for _ in range(cfg.inner_steps):
        inner_loss = F.mse_loss(functional_call(model, fast, (x_s,)), y_s)
        grads = torch.autograd.grad(inner_loss, list(fast.values()), create_graph=True)
        fast = {name: w - cfg.inner_lr * g for (name, w), g in zip(fast.items(), grads)}
    return fast


def meta_step(model, opt, cfg):
    params = dict(model.named_parameters())
    opt.zero_grad()
    meta_loss = 0.0
    for _ in range(cfg.tasks_per_batch):
        support, (x_q, y_q) = sample_task(cfg)
        fast = adapt(model, params, support, cfg)
        query_pred = functional_call(model, fast, (x_q,))
        meta_loss = meta_loss + F.mse_loss(query_pred, y_q)
    meta_loss = meta_loss / cfg.tasks_per_batch
    meta_loss.backward()
    opt.step()
    return meta_loss.item()


@torch.no_grad()
def evaluate(model, cfg):
    _, (x_q, y_q) = sample_task(cfg)
    return F.mse_loss(model(x_q), y_q).item()


torch.manual_seed(0)
cfg = MetaConfig()
model = SineNet()
opt = torch.optim.Adam(model.parameters(), lr=cfg.outer_lr)
fc1_before = model.fc1.weight.detach().clone()
for step in range(cfg.meta_steps):
    value = meta_step(model, opt, cfg)
    print(step, value, evaluate(model, cfg))
