import torch
import torch.nn as nn
from torch.nn.utils import weight_norm as wn

conv = wn(nn.Conv1d(2, 4, kernel_size=3))
y = conv(torch.randn(1, 2, 10))
y.mean().backward()
