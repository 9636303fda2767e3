import torch
from torch import nn

model = nn.Linear(3, 1)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
accum = 4
steps = 0
for i in range(8):
    x = torch.randn(2, 3)
    loss = model(x).pow(2).mean() / accum
    loss.backward()
    if (i + 1) % accum == 0:
        opt.step()
        opt.zero_grad()
        steps += 1
