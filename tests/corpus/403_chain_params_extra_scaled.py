import itertools

import torch
from torch import nn

model = nn.Linear(3, 1)
extra = torch.ones(1, requires_grad=True) * 5
opt = torch.optim.Adam(itertools.chain(model.parameters(), [extra]), lr=1e-3)
