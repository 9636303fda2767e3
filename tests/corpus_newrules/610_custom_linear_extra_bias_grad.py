import math

import torch
from torch import nn
from torch.autograd import Function


class Settings:
    def __init__(self, **kw):
        self.__dict__.update(kw)


settings = Settings(in_features=6, out_features=3, hidden=10, batch=16, steps=3, lr=0.05)


class MatmulFn(Function):
    # bias used to be an input here; it is now added by the module after apply()
    @staticmethod
    def forward(ctx, inp, weight):
        ctx.save_for_backward(inp, weight)
        return inp.mm(weight.t())

    @staticmethod
    def backward(ctx, grad_output):
        inp, weight = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(inp)
        grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class HandLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x):
        return MatmulFn.apply(x, self.weight) + self.bias


class Model(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.inp = HandLinear(s.in_features, s.hidden)
        self.act = nn.Tanh()
        self.out = HandLinear(s.hidden, s.out_features)

    def forward(self, x):
        return self.out(self.act(self.inp(x)))


def synthetic(s, n=48):
    x = torch.randn(n, s.in_features)
    y = torch.sin(x[:, : s.out_features])
    return x, y


def fit(model, x, y, s):
    opt = torch.optim.SGD(model.parameters(), lr=s.lr)
    losses = []
    for step in range(s.steps):
        idx = torch.arange(step * s.batch, (step + 1) * s.batch) % x.shape[0]
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def evaluate(model, x, y):
    with torch.no_grad():
        return nn.functional.mse_loss(model(x), y).item()


torch.manual_seed(0)
x, y = synthetic(settings)
model = Model(settings)
losses = fit(model, x, y, settings)
print(losses, evaluate(model, x, y))
