import torch as th

W = th.randn(3, 3, requires_grad=True)
with th.no_grad():
    W[0] = 0.0
    W[:, 1] += 1.0
v = th.rand(3, requires_grad=True).float()
loss = (W @ v).sum()
loss.backward()
v_grad = v.grad
