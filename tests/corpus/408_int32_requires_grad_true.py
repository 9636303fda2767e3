import torch

counts = torch.ones(3, dtype=torch.int32).requires_grad_(True)
