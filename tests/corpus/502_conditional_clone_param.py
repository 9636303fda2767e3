import torch

use_copy = True
base = torch.randn(4, requires_grad=True)
w = base.clone() if use_copy else base
opt = torch.optim.SGD([w], lr=0.1)
