import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
x, y = torch.randn(16, 2), torch.randn(16, 1)
grads = []
for _ in range(4):
    for p in model.parameters():
        p.grad = None
    loss = (model(x) - y).pow(2).mean()
    loss.backward()
    opt.step()
    grads.append(model.weight.grad.norm().item())
