import torch
from torch import nn

critic = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
opt = torch.optim.RMSprop(critic.parameters(), lr=5e-5)
for _ in range(3):
    opt.zero_grad()
    loss = critic(torch.randn(6, 4)).mean() - critic(torch.randn(6, 4)).mean()
    loss.backward()
    opt.step()
    for p in critic.parameters():
        p.data.clamp_(-0.01, 0.01)
