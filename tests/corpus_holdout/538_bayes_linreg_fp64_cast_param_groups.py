import math
from dataclasses import dataclass

import torch

torch.manual_seed(0)

DTYPES = {"fp32": torch.float32, "fp64": torch.float64}


@dataclass
class RegressionConfig:
    n_features: int = 4
    n_samples: int = 64
    precision: str = "fp64"
    lr: float = 0.05
    noise_lr_mult: float = 0.1
    steps: int = 25


def make_data(cfg):
    dtype = DTYPES[cfg.precision]
    X = torch.randn(cfg.n_samples, cfg.n_features, dtype=dtype)
    true_w = torch.arange(1, cfg.n_features + 1, dtype=dtype).unsqueeze(1)
    y = X @ true_w + 0.3 * torch.randn(cfg.n_samples, 1, dtype=dtype)
    return X, y


def init_params(cfg):
    dtype = DTYPES[cfg.precision]
    weight = torch.zeros(cfg.n_features, 1, dtype=dtype, requires_grad=True)
    bias = torch.zeros(1, requires_grad=True).to(dtype)
    log_noise = torch.zeros(1, dtype=dtype, requires_grad=True)
    return {"weight": weight, "bias": bias, "log_noise": log_noise}


def gaussian_nll(pred, target, log_noise):
    var = torch.exp(2 * log_noise)
    return 0.5 * (((pred - target) ** 2) / var + 2 * log_noise + math.log(2 * math.pi)).mean()


def build_optimizer(params, cfg):
    groups = [
        {"params": [params["weight"], params["bias"]]},
        {"params": [params["log_noise"]], "lr": cfg.lr * cfg.noise_lr_mult},
    ]
    return torch.optim.Adam(groups, lr=cfg.lr)


def fit(params, X, y, cfg):
    opt = build_optimizer(params, cfg)
    for step in range(cfg.steps):
        opt.zero_grad()
        pred = X @ params["weight"] + params["bias"]
        loss = gaussian_nll(pred, y, params["log_noise"])
        loss.backward()
        opt.step()
    return loss.item()


cfg = RegressionConfig()
X, y = make_data(cfg)
params = init_params(cfg)
final_nll = fit(params, X, y, cfg)
