import torch

layer = torch.nn.utils.spectral_norm(torch.nn.Linear(3, 3))
