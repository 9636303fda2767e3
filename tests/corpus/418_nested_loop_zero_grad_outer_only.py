import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
loader = [(torch.randn(8, 2), torch.randn(8, 1)) for _ in range(4)]
norms = []
for epoch in range(1):
    opt.zero_grad()
    for xb, yb in loader:
        loss = (model(xb) - yb).pow(2).mean()
        loss.backward()
        opt.step()
        norms.append(model.weight.grad.norm().item())
