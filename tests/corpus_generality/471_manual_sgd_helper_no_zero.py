import torch
import torch.nn.functional as F

CONFIG = {
    "features": 5,
    "samples": 128,
    "epochs": 6,
    "lr": 0.01,
    "l2": 1e-3,
}


def make_dataset(cfg):
    torch.manual_seed(0)
    x = torch.randn(cfg["samples"], cfg["features"])
    true_w = torch.arange(1, cfg["features"] + 1, dtype=torch.float32) / cfg["features"]
    logits = x @ true_w - 0.2
    y = (logits > 0).float()
    return x, y


def init_params(cfg):
    return {
        "w": torch.zeros(cfg["features"], requires_grad=True),
        "b": torch.zeros(1, requires_grad=True),
    }


def forward(params, x):
    w = params["w"]
    b = params["b"]
    return x @ w + b


def objective(params, x, y, l2):
    scores = forward(params, x)
    bce = F.binary_cross_entropy_with_logits(scores, y)
    penalty = l2 * params["w"].pow(2).sum()
    return bce + penalty


def sgd_update(params, lr):
    for name, p in params.items():
        p.data -= lr * p.grad


def accuracy(params, x, y):
    with torch.no_grad():
        pred = (forward(params, x) > 0).float()
    return (pred == y).float().mean().item()


def fit(cfg):
    x, y = make_dataset(cfg)
    params = init_params(cfg)
    grad_norms = []
    losses = []
    for epoch in range(cfg["epochs"]):
        loss = objective(params, x, y, cfg["l2"])
        loss.backward()
        grad_norms.append(params["w"].grad.norm().item())
        sgd_update(params, cfg["lr"])
        losses.append(loss.item())
    return params, grad_norms, losses, accuracy(params, x, y)


params, grad_norms, losses, acc = fit(CONFIG)
print("acc", acc, "grad norms", grad_norms)
