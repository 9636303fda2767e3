import torch
from torch import nn

G = nn.Sequential(nn.Linear(2, 3), nn.Tanh())
D = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
opt_d = torch.optim.Adam(D.parameters(), lr=1e-3)
opt_g = torch.optim.Adam(G.parameters(), lr=1e-3)

fake = G(torch.randn(4, 2))
d_out = D(fake)
opt_d.zero_grad()
err_d = d_out.mean()
err_d.backward()
opt_d.step()

opt_g.zero_grad()
err_g = -d_out.mean()
err_g.backward()
opt_g.step()
