import numpy as np
import torch
from torch import nn


class Config:
    features = 8
    hidden = 16
    samples = 64
    batch = 16
    epochs = 3
    lr = 1e-2


class Regressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.features, cfg.hidden),
            nn.Tanh(),
            nn.Linear(cfg.hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(-1)


def make_data(cfg):
    x = torch.randn(cfg.samples, cfg.features)
    true_w = torch.linspace(-1.0, 1.0, cfg.features)
    y = x @ true_w + 0.1 * torch.randn(cfg.samples)
    return x, y


def batches(x, y, size):
    for start in range(0, x.shape[0], size):
        yield x[start:start + size], y[start:start + size]


@torch.no_grad()
def evaluate(model, x, y):
    pred = model(x)
    pred_np = np.asarray(pred)
    target_np = np.array(y.tolist())
    rmse = float(np.sqrt(((pred_np - target_np) ** 2).mean()))
    return rmse, pred_np


def r2_score(pred_np, y):
    target = y.numpy()
    ss_res = ((target - pred_np) ** 2).sum()
    ss_tot = ((target - target.mean()) ** 2).sum()
    return 1.0 - ss_res / ss_tot


def train(cfg):
    torch.manual_seed(0)
    model = Regressor(cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = nn.MSELoss()
    x, y = make_data(cfg)
    step_losses = []
    for epoch in range(cfg.epochs):
        for xb, yb in batches(x, y, cfg.batch):
            out = model(xb)
            loss = loss_fn(out, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step_losses.append(loss.item())
        last_out = np.asarray(out.detach())
        last_loss = np.asarray(loss.detach())
        print(epoch, last_out.shape, float(last_loss))
    losses_np = np.array(step_losses)
    weights_np = np.asarray(model.net[0].weight.detach())
    rmse, pred_np = evaluate(model, x, y)
    print("rmse", rmse, "r2", r2_score(pred_np, y), losses_np.mean(), weights_np.shape)
    return model, rmse


model, final_rmse = train(Config)
