import torch
from torch import nn
from torch.nn.utils import weight_norm

layers = nn.ModuleList([weight_norm(nn.Linear(3, 3)) for _ in range(2)])
