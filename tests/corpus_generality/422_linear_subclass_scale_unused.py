import math

import torch
from torch import nn
from torch.nn import functional as F


class ScaledLinear(nn.Linear):
    """nn.Linear with a learnable per-output log-scale (a "rescaled head")."""

    def __init__(self, in_features, out_features, init_scale=1.0):
        super().__init__(in_features, out_features)
        self.log_scale = nn.Parameter(torch.full((out_features,), math.log(init_scale)))

    def effective_weight(self):
        return self.weight * self.log_scale.exp().unsqueeze(1)

    def forward(self, x):
        # refactor: the base forward was reused, the scale never made it back in
        return super().forward(x)


class Regressor(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, d_hidden), nn.Tanh())
        self.head = ScaledLinear(d_hidden, d_out, init_scale=0.5)

    def forward(self, x):
        return self.head(self.body(x))


def fit(model, x, y, steps=5, lr=1e-2):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        pred = model(x)
        loss = F.mse_loss(pred, y)
        loss.backward()
        optimizer.step()
    return loss.item()


@torch.no_grad()
def weight_report(layer):
    w_eff = layer.effective_weight()
    return w_eff.norm().item()


torch.manual_seed(0)
x = torch.randn(16, 5)
y = torch.randn(16, 2)
model = Regressor(5, 12, 2)
print("final loss", fit(model, x, y))
print("effective weight norm", weight_report(model.head))
