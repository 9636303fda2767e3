import torch as th

w = th.ones(2, 2, requires_grad=True)
w2 = w.clone()
w2[:, 0] = 0.0
w2[1] += 1
buf = th.empty(2)
th.mul(th.tensor([1.0, 2.0]), 3.0, out=buf)
loss = (w2 * th.tensor([1.0, 2.0])).sum()
loss.backward()
