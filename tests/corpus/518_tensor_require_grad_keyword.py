import torch

w = torch.tensor([0.5, 0.5], require_grad=True)
