import torch as th

logits = th.randn(5, requires_grad=True)
values = th.randn(5)
gate = th.sigmoid(logits)
gate.mul_(2)
loss = (gate * values).sum()
loss.backward()
