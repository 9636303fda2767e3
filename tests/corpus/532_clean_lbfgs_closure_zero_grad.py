import torch
from torch import nn

model = nn.Linear(2, 1)
opt = torch.optim.LBFGS(model.parameters(), lr=0.1)
x, y = torch.randn(8, 2), torch.randn(8, 1)


def closure():
    opt.zero_grad()
    loss = (model(x) - y).pow(2).mean()
    loss.backward()
    return loss


for _ in range(2):
    opt.step(closure)
