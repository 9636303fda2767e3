import torch as th


def add_bias_column(w):
    w[:, 0] += 1.0
    return w


W = th.eye(3, requires_grad=True)
W = add_bias_column(W)
loss = (W @ th.ones(3)).sum()
loss.backward()
