import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    def __init__(self, **overrides):
        self.in_dim = 6
        self.hidden = 16
        self.lr = 1e-2
        self.epochs = 3
        self.batch = 32
        self.log_every = 1
        for key, value in overrides.items():
            setattr(self, key, value)


class Regressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.in_dim, cfg.hidden),
            nn.Tanh(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def make_data(cfg, n):
    x = torch.randn(n, cfg.in_dim)
    y = x[:, 0] * 2.0 - x[:, 1] + 0.1 * torch.randn(n)
    return x, y


def regression_metrics(preds, targets):
    err = preds.numpy() - targets.numpy()
    return {"mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err ** 2).mean()))}


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    preds = model(x)
    model.train()
    return regression_metrics(preds, y)


def train_epoch(model, opt, x, y, cfg, epoch):
    perm = torch.randperm(x.shape[0])
    for start in range(0, x.shape[0], cfg.batch):
        idx = perm[start : start + cfg.batch]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        preds = model(xb)
        loss = F.mse_loss(preds, yb)
        loss.backward()
        opt.step()
    if epoch % cfg.log_every == 0:
        stats = regression_metrics(preds, yb)
        print(epoch, loss.item(), stats)


def main():
    torch.manual_seed(0)
    cfg = Config(epochs=2)
    model = Regressor(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    x_tr, y_tr = make_data(cfg, 96)
    x_va, y_va = make_data(cfg, 32)
    print("baseline", evaluate(model, x_va, y_va))
    for epoch in range(cfg.epochs):
        train_epoch(model, opt, x_tr, y_tr, cfg, epoch)
    print("final", evaluate(model, x_va, y_va))


if __name__ == "__main__":
    main()
