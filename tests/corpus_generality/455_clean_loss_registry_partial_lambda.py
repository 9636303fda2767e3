import functools

import torch
from torch import nn
import torch.nn.functional as F

LOSSES = {
    "mse": F.mse_loss,
    "huber": functools.partial(F.smooth_l1_loss, beta=0.5),
    "log_cosh": lambda pred, target: torch.log(torch.cosh(pred - target)).mean(),
}


class Options:
    loss = "huber"
    act = "silu"
    aux_loss = "log_cosh"
    aux_weight = 0.1


class Net(nn.Module):
    def __init__(self, act):
        super().__init__()
        self.fc1 = nn.Linear(5, 10)
        self.fc2 = nn.Linear(10, 1)
        self.act = getattr(F, act)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def get_loss(name):
    return LOSSES[name]


torch.manual_seed(0)
opts = Options()
model = Net(opts.act)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
main_fn = get_loss(opts.loss)
aux_fn = LOSSES.get(opts.aux_loss, F.l1_loss)
x = torch.randn(20, 5)
y = x[:, :1] * 3.0
for _ in range(3):
    pred = model(x)
    main = main_fn(pred, y)
    aux = aux_fn(pred, y)
    loss = main + opts.aux_weight * aux
    opt.zero_grad()
    loss.backward()
    opt.step()
