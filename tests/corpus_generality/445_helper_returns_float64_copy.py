import torch


def param(*shape, scale=0.1):
    w = (torch.randn(*shape) * scale).requires_grad_()
    return w.to(torch.float64)


def init_mlp(d_in, d_hidden, d_out):
    return {
        "w1": param(d_in, d_hidden),
        "b1": param(d_hidden, scale=0.0),
        "w2": param(d_hidden, d_out),
        "b2": param(d_out, scale=0.0),
    }


def mlp(params, x):
    h = torch.relu(x @ params["w1"] + params["b1"])
    return h @ params["w2"] + params["b2"]


def sgd_step(tensors, lr):
    with torch.no_grad():
        for t in tensors:
            g = t.grad
            if g is not None:
                t -= lr * g
                g.zero_()


torch.manual_seed(0)
params = init_mlp(4, 8, 1)
x = torch.randn(32, 4, dtype=torch.float64)
y = x.sum(dim=1, keepdim=True)
w1_start = params["w1"].detach().clone()
for step in range(3):
    pred = mlp(params, x)
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    sgd_step(params.values(), lr=0.1)
w1_end = params["w1"].detach().clone()
