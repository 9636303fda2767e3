"""Functional MLP whose weights live in a dict built by comprehensions."""
import torch
import torch.nn.functional as F

CONFIG = {
    "sizes": [8, 16, 16, 3],
    "init_scale": 0.1,
    "lr": 0.05,
    "weight_decay": 1e-4,
    "steps": 5,
    "batch": 32,
}


def make_data(n, d_in, n_cls):
    torch.manual_seed(0)
    x = torch.randn(n, d_in)
    w_true = torch.randn(d_in, n_cls)
    y = (x @ w_true).argmax(dim=1)
    return x, y


def init_mlp(sizes, scale):
    """Weights and biases of an MLP, keyed by layer name."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = {
        f"w{i}": torch.randn(d_in, d_out, requires_grad=True) * scale
        for i, (d_in, d_out) in enumerate(pairs)
    }
    biases = {f"b{i}": torch.zeros(d_out, requires_grad=True) for i, (_, d_out) in enumerate(pairs)}
    params = {}
    params.update(weights)
    params.update(biases)
    return params


def forward(params, x, n_layers):
    h = x
    for i in range(n_layers):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        if i < n_layers - 1:
            h = F.relu(h)
    return h


def build_optimizer(params, cfg):
    decay = [p for name, p in params.items() if name.startswith("w")]
    no_decay = [p for name, p in params.items() if name.startswith("b")]
    groups = [
        {"params": decay, "weight_decay": cfg["weight_decay"]},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.SGD(groups, lr=cfg["lr"], momentum=0.9)


def evaluate(params, x, y, n_layers):
    with torch.no_grad():
        logits = forward(params, x, n_layers)
        acc = (logits.argmax(dim=1) == y).float().mean()
    return acc.item()


def main(cfg):
    sizes = cfg["sizes"]
    n_layers = len(sizes) - 1
    x, y = make_data(256, sizes[0], sizes[-1])
    params = init_mlp(sizes, cfg["init_scale"])
    w0, b0 = params["w0"], params["b0"]
    print("first layer", tuple(w0.shape), tuple(b0.shape))
    opt = build_optimizer(params, cfg)
    for step in range(cfg["steps"]):
        idx = torch.randperm(x.shape[0])[: cfg["batch"]]
        logits = forward(params, x[idx], n_layers)
        loss = F.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    print("accuracy", evaluate(params, x, y, n_layers))


if __name__ == "__main__":
    main(CONFIG)
