import torch as th

log_scale = th.zeros(1, requires_grad=True)
feats = th.randn(4, requires_grad=True)
scale = th.tensor(log_scale.exp())
loss = (scale * feats).sum()
loss.backward()
