"""Functional MLP whose weights live in a dict built by a dict comprehension."""
import math

import torch
import torch.nn.functional as F

CONFIG = {
    "sizes": [8, 16, 16, 3],
    "lr": 0.05,
    "momentum": 0.9,
    "steps": 5,
    "batch": 32,
    "init": "fan_in",
}


def init_scale(fan_in, mode):
    if mode == "fan_in":
        return 1.0 / math.sqrt(fan_in)
    return 0.1


def make_params(sizes, mode):
    layers = list(zip(sizes[:-1], sizes[1:]))
    weights = {
        f"w{i}": torch.randn(n_out, n_in, requires_grad=True) * init_scale(n_in, mode)
        for i, (n_in, n_out) in enumerate(layers)
    }
    biases = {f"b{i}": torch.zeros(n_out, requires_grad=True) for i, (_, n_out) in enumerate(layers)}
    params = dict(weights)
    params.update(biases)
    return params


def forward(params, x, n_layers):
    h = x
    for i in range(n_layers):
        h = F.linear(h, params[f"w{i}"], params[f"b{i}"])
        if i < n_layers - 1:
            h = torch.relu(h)
    return h


def make_data(n, d_in, n_classes):
    x = torch.randn(n, d_in)
    labels = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
    return x, labels.clamp(max=n_classes - 1)


def build_optimizer(params, cfg):
    trainable = [p for p in params.values() if p.requires_grad]
    return torch.optim.SGD(trainable, lr=cfg["lr"], momentum=cfg["momentum"])


def accuracy(params, x, y, n_layers):
    with torch.no_grad():
        logits = forward(params, x, n_layers)
        pred = logits.argmax(dim=1)
    return (pred == y).float().mean().item()


def main(cfg):
    torch.manual_seed(0)
    sizes = cfg["sizes"]
    n_layers = len(sizes) - 1
    params = make_params(sizes, cfg["init"])
    first_w = params["w0"]
    first_b = params["b0"]
    x, y = make_data(cfg["batch"], sizes[0], sizes[-1])
    x_val, y_val = make_data(cfg["batch"], sizes[0], sizes[-1])
    with torch.no_grad():
        init_loss = F.cross_entropy(forward(params, x, n_layers), y)
    print("initial loss", init_loss.item(), "w0 norm", first_w.norm().item(), first_b.sum().item())

    opt = build_optimizer(params, cfg)
    for step in range(cfg["steps"]):
        logits = forward(params, x, n_layers)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(step, loss.item())
    print("val acc", accuracy(params, x_val, y_val, n_layers))


if __name__ == "__main__":
    main(CONFIG)
