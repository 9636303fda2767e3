import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1))
optimizer = torch.optim.SGD(
    [{"params": net[0].parameters()}, {"params": net[2].parameters(), "lr": 1e-4}], lr=1e-4
)
X, Y = torch.randn(32, 2), torch.randn(32, 1)

optimizer.zero_grad()
norms, step = [], 0
while step < 4:
    loss = ((net(X) - Y) ** 2).mean()
    loss.backward()
    optimizer.step()
    norms.append(net[2].weight.grad.norm().item())
    step += 1
