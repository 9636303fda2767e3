import torch
import torch.nn as nn
import torch.nn.functional as F


class RouterConfig:
    d_model = 8
    n_experts = 3
    batch = 10
    steps = 5
    warmup_steps = 2
    lr = 0.05


class Router(nn.Module):
    def __init__(self, d_model, n_experts):
        super().__init__()
        self.gate = nn.Linear(d_model, n_experts)
        self.hard = False

    def soft_weights(self, x):
        return F.softmax(self.gate(x), dim=-1)

    def hard_weights(self, x):
        scores = self.gate(x)
        choice = scores.argmax(dim=-1)
        choice.requires_grad_()
        return F.one_hot(choice, scores.shape[-1]).float()

    def forward(self, x):
        if self.hard:
            return self.hard_weights(x)
        return self.soft_weights(x)


class MixtureOfExperts(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.router = Router(cfg.d_model, cfg.n_experts)
        self.experts = nn.ModuleList(nn.Linear(cfg.d_model, 1) for _ in range(cfg.n_experts))

    def forward(self, x):
        weights = self.router(x)
        expert_out = torch.cat([e(x) for e in self.experts], dim=-1)
        return (weights * expert_out).sum(dim=-1)


def make_data(cfg):
    x = torch.randn(cfg.batch, cfg.d_model)
    y = x[:, 0] - 2.0 * x[:, 1]
    return x, y


def train(cfg):
    torch.manual_seed(0)
    model = MixtureOfExperts(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    x, y = make_data(cfg)
    history = []
    for step in range(cfg.steps):
        if step == cfg.warmup_steps:
            model.router.hard = True
        pred = model(x)
        loss = F.mse_loss(pred, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


if __name__ == "__main__":
    print(train(RouterConfig))
