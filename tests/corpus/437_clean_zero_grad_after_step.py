import torch
from torch import nn

model = nn.Linear(2, 1)
opt = torch.optim.Adam(model.parameters())
for _ in range(3):
    loss = model(torch.randn(4, 2)).pow(2).mean()
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
