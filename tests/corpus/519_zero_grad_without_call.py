import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
x, y = torch.randn(8, 2), torch.randn(8, 1)
norms = []
for _ in range(4):
    opt.zero_grad
    loss = (model(x) - y).pow(2).mean()
    loss.backward()
    opt.step()
    norms.append(model.weight.grad.norm().item())
