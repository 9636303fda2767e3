import torch as th
import torch.optim as O

raw = th.zeros(3, requires_grad=True)
w = th.nn.functional.softplus(raw)
opt = O.AdamW(params=[w], lr=1e-3)
