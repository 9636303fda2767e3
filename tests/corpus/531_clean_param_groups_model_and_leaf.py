import torch
from torch import nn

model = nn.Linear(3, 1)
log_scale = torch.zeros(1, requires_grad=True)
opt = torch.optim.SGD([{"params": model.parameters()}, {"params": [log_scale], "lr": 1e-3}], lr=0.1)
loss = (model(torch.randn(2, 3)) * log_scale.exp()).sum()
opt.zero_grad()
loss.backward()
opt.step()
