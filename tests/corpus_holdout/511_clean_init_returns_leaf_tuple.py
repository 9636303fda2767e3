import math

import torch


def init_affine(d_in, d_out, gain=1.0):
    w = (torch.randn(d_in, d_out) * gain / math.sqrt(d_in)).requires_grad_()
    b = torch.zeros(d_out).requires_grad_(True)
    return w, b


def param_stats(w, b):
    return {"w_norm": w.norm(), "b_mean": b.mean()}


def predict(x, layers):
    (w1, b1), (w2, b2) = layers
    return torch.sigmoid(x @ w1 + b1) @ w2 + b2


torch.manual_seed(0)
W1, b1 = init_affine(5, 16)
W2, b2 = init_affine(16, 1, gain=2.0)
layers = [(W1, b1), (W2, b2)]
opt = torch.optim.SGD([t for pair in layers for t in pair], lr=0.1)

x = torch.randn(50, 5)
y = x[:, :1] * 2 - x[:, 1:2]
for it in range(8):
    pred = predict(x, layers)
    loss = (pred - y).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()

stats = param_stats(W1, b1)
w_norm = stats["w_norm"]
with torch.no_grad():
    frozen_stats = param_stats(W2, b2)
    eval_pred = predict(x, layers)
w2_norm = frozen_stats["w_norm"]
print(w_norm.item(), w2_norm.item(), eval_pred.shape, W1.grad.abs().max().item())
