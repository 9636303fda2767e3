import torch
from torch import nn

enc = nn.Linear(4, 4)
feat = enc(torch.randn(2, 4))
feat.requires_grad_()
feat.sum().backward()
