import copy

import torch
import torch.nn as nn

CFG = dict(
    noise_dim=4,
    data_dim=2,
    hidden=16,
    batch=32,
    iterations=4,
    n_critic=2,
    lr=5e-4,
    clip_value=0.05,
    ema_decay=0.9,
)


class Generator(nn.Module):
    def __init__(self, noise_dim, hidden, data_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(noise_dim, hidden), nn.ReLU(), nn.Linear(hidden, data_dim))

    def forward(self, z):
        return self.net(z)


class Critic(nn.Module):
    def __init__(self, data_dim, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(data_dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)


def real_batch(cfg):
    angle = torch.rand(cfg["batch"], 1) * 6.2832
    return torch.cat([angle.cos(), angle.sin()], dim=1) + 0.05 * torch.randn(cfg["batch"], 2)


def clip_critic(critic, c):
    for p in critic.parameters():
        p.data.clamp_(-c, c)


def update_ema(ema_model, model, decay):
    with torch.no_grad():
        for ema_p, p in zip(ema_model.parameters(), model.parameters()):
            ema_p.data.mul_(decay).add_(p.data, alpha=1 - decay)


def critic_step(gen, critic, d_opt, cfg):
    real = real_batch(cfg)
    z = torch.randn(cfg["batch"], cfg["noise_dim"])
    fake = gen(z).detach()
    d_loss = critic(fake).mean() - critic(real).mean()
    d_opt.zero_grad()
    d_loss.backward()
    d_opt.step()
    clip_critic(critic, cfg["clip_value"])
    return d_loss.item()


def generator_step(gen, critic, g_opt, cfg):
    z = torch.randn(cfg["batch"], cfg["noise_dim"])
    fake = gen(z)
    g_loss = -critic(fake).mean()
    g_opt.zero_grad()
    g_loss.backward()
    g_opt.step()
    snap = fake.detach().clone()
    snap.data.clamp_(-1.0, 1.0)
    return g_loss.item(), snap


def train(cfg):
    torch.manual_seed(0)
    gen = Generator(cfg["noise_dim"], cfg["hidden"], cfg["data_dim"])
    critic = Critic(cfg["data_dim"], cfg["hidden"])
    ema_gen = copy.deepcopy(gen).requires_grad_(False)
    g_opt = torch.optim.RMSprop(gen.parameters(), lr=cfg["lr"])
    d_opt = torch.optim.RMSprop(critic.parameters(), lr=cfg["lr"])
    z_fixed = torch.randn(8, cfg["noise_dim"])
    log = []
    for it in range(cfg["iterations"]):
        for _ in range(cfg["n_critic"]):
            d_val = critic_step(gen, critic, d_opt, cfg)
        g_val, snap = generator_step(gen, critic, g_opt, cfg)
        update_ema(ema_gen, gen, cfg["ema_decay"])
        with torch.no_grad():
            preview = ema_gen(z_fixed)
        preview.data.clamp_(-1.0, 1.0)
        log.append((d_val, g_val, snap.abs().max().item(), preview.abs().max().item()))
    return critic, log


critic, log = train(CFG)
print(log[-1])
