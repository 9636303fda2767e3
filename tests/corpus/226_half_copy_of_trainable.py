import torch as th

w = th.full((3,), 0.1, requires_grad=True).half()
x = th.ones(3, dtype=th.float16)
loss = (w * x).sum()
loss.backward()
