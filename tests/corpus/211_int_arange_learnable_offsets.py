import torch as th

seq_len = 16
offsets = th.arange(0, seq_len, requires_grad=True)
scores = th.randn(seq_len) + offsets
