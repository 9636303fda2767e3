import torch
from torch import nn
from torch.nn.utils import parametrizations

layer = parametrizations.spectral_norm(nn.Linear(5, 5))
opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
out = layer(torch.randn(3, 5)).sum()
out.backward()
opt.step()
