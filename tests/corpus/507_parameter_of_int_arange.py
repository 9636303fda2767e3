import torch
from torch import nn

pos = nn.Parameter(torch.arange(4))
