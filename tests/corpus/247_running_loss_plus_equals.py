import torch
from torch import nn, optim

model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))
opt = optim.Adam(model.parameters(), lr=1e-3)
loader = [(torch.randn(16, 10), torch.randn(16, 1)) for _ in range(5)]

running_loss = 0.0
for xb, yb in loader:
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(xb), yb)
    loss.backward()
    opt.step()
    running_loss += loss
print("epoch loss", running_loss / len(loader))
