import torch
import torch.nn as nn

torch.manual_seed(0)
gen = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 6))
disc = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 1))
opt_g = torch.optim.Adam(gen.parameters(), lr=1e-3)
opt_d = torch.optim.Adam(disc.parameters(), lr=1e-3)
scaler = torch.amp.GradScaler("cpu")

z = torch.randn(8, 4)
real = torch.randn(8, 6)

opt_g.zero_grad()
opt_d.zero_grad()
fake = gen(z)
d_loss = nn.functional.softplus(disc(fake)).mean() + nn.functional.softplus(-disc(real)).mean()
g_loss = nn.functional.softplus(-disc(fake)).mean()
scaler.scale(d_loss + g_loss).backward()
scaler.unscale_(opt_g)
scaler.unscale_(opt_g)
torch.nn.utils.clip_grad_norm_(gen.parameters(), 1.0)
scaler.step(opt_g)
scaler.step(opt_d)
scaler.update()
