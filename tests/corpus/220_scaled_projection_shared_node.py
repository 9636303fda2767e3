import torch as th

proj = th.rand(4, 4, requires_grad=True) * 0.1
inputs = [th.randn(4, requires_grad=True) for _ in range(3)]
saliency = []
for v in inputs:
    score = (proj @ v).sum()
    score.backward()
    saliency.append(v.grad.abs())
