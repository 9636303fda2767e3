import torch


def make_layer(n_in, n_out):
    weight = torch.randn(n_in, n_out) / n_in ** 0.5
    weight.requires_grad_()
    bias = torch.zeros(n_out, requires_grad=True)
    return weight, bias


def mlp(params, x):
    w1, b1, w2, b2 = params
    hidden = torch.tanh(x @ w1 + b1)
    return hidden @ w2 + b2


def inner_step(params, x, y, lr):
    out = mlp(params, x)
    loss = torch.nn.functional.mse_loss(out, y)
    grads = torch.autograd.grad(loss, params)
    for i, (p, g) in enumerate(zip(params, grads)):
        p.sub_(lr * g)
    return loss.item()


torch.manual_seed(0)
params = []
params.extend(make_layer(4, 8))
w2, b2 = make_layer(8, 1)
params.append(w2)
params.append(b2)
first_weight = params[0]
x = torch.randn(20, 4)
y = x[:, :1] * 2.0 - x[:, 1:2]
print(inner_step(params, x, y, lr=0.1))
