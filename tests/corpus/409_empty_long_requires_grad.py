import torch

idx = torch.empty(2, dtype=torch.long, requires_grad=True)
