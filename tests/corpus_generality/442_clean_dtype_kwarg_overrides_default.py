import math

import torch
from torch import nn


def as_model_dtype(t, dtype=torch.float32):
    return t.to(dtype)


def learnable(*shape, init=0.0, **kw):
    return torch.full(shape, init, **kw)


class LogScale:
    """Learned output scale kept outside the model (e.g. a loss-balancing term)."""

    def __init__(self, init=1.0, dtype=torch.float64):
        self.log_s = torch.full((1,), math.log(init), requires_grad=True).to(dtype)

    def __call__(self, y):
        return y * self.log_s.exp()


torch.manual_seed(0)
model = nn.Linear(3, 1)
scale = LogScale(init=0.5, dtype=torch.float32)
offset = as_model_dtype(learnable(1, init=0.1, requires_grad=True))
opt = torch.optim.Adam([*model.parameters(), scale.log_s, offset], lr=0.05)

x = torch.randn(16, 3)
y = 2.0 * x.sum(dim=1, keepdim=True) + 0.3
for step in range(5):
    opt.zero_grad()
    pred = scale(model(x)) + offset
    loss = nn.functional.mse_loss(pred, y)
    loss.backward()
    opt.step()
scale_grad = scale.log_s.grad
offset_grad = offset.grad
