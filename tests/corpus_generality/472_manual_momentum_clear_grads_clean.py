import torch
from torch import nn


class HParams:
    in_dim = 6
    hidden = 12
    samples = 48
    steps = 8
    lr = 0.05
    momentum = 0.9


def build_model(hp):
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(hp.in_dim, hp.hidden),
        nn.SiLU(),
        nn.Linear(hp.hidden, 1),
    )


def make_data(hp):
    x = torch.randn(hp.samples, hp.in_dim)
    y = torch.sin(x[:, :1]) + 0.5 * x[:, 1:2]
    return x, y


def clear_grads(params):
    for p in params:
        p.grad = None


def momentum_step(params, velocities, hp):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(hp.momentum).add_(p.grad)
            p.sub_(hp.lr * v)


def loss_fn(model, x, y):
    pred = model(x)
    return (pred - y).pow(2).mean()


def train(hp):
    model = build_model(hp)
    params = list(model.parameters())
    velocities = [torch.zeros_like(p) for p in params]
    x, y = make_data(hp)
    history = []
    first_grads = []
    for step in range(hp.steps):
        loss = loss_fn(model, x, y)
        loss.backward()
        if step < 2:
            first_grads.append(params[0].grad.clone())
        momentum_step(params, velocities, hp)
        clear_grads(params)
        history.append(loss.item())
    return model, history, first_grads


def evaluate(model, hp):
    x, y = make_data(hp)
    with torch.no_grad():
        mse = loss_fn(model, x, y)
    return mse.item()


model, history, first_grads = train(HParams)
test_mse = evaluate(model, HParams)
print(history[0], history[-1], test_mse)
