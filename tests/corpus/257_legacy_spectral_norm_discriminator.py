import torch
from torch import nn
from torch.nn.utils import spectral_norm

disc = nn.Sequential(
    spectral_norm(nn.Linear(6, 8)),
    nn.LeakyReLU(0.2),
    nn.Linear(8, 1),
)
score = disc(torch.randn(4, 6)).mean()
score.backward()
