import torch
from torch.optim import LBFGS

params = torch.zeros(3, requires_grad=True).to(dtype=torch.float64)
opt = LBFGS([params], lr=0.1)
