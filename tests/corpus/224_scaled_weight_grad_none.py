import torch as th

w = th.ones(3, requires_grad=True) * 2
x = th.tensor([1.0, 2.0, 3.0])
loss = (w * x).sum()
loss.backward()
w_grad = w.grad
