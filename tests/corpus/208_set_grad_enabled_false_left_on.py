import torch as th
from torch import nn, optim

model = nn.Sequential(nn.Linear(5, 5), nn.Tanh(), nn.Linear(5, 1))
opt = optim.Adam(model.parameters(), lr=1e-3)

th.set_grad_enabled(False)
val_pred = model(th.randn(8, 5))

preds = model(th.randn(8, 5))
loss = preds.pow(2).mean()
opt.zero_grad()
loss.backward()
opt.step()
