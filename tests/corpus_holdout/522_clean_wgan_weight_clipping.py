import torch
from torch import nn

torch.manual_seed(0)

config = {
    "nz": 6,
    "nx": 10,
    "n_critic": 3,
    "clip_value": 0.01,
    "lr": 5e-5,
    "iterations": 4,
    "batch": 12,
}


def build_critic(nx):
    return nn.Sequential(nn.Linear(nx, 24), nn.LeakyReLU(0.2), nn.Linear(24, 1))


def build_generator(nz, nx):
    return nn.Sequential(nn.Linear(nz, 24), nn.ReLU(), nn.Linear(24, nx))


def set_requires_grad(module, flag):
    for p in module.parameters():
        p.requires_grad = flag


def clip_weights(module, c):
    for p in module.parameters():
        p.data.clamp_(-c, c)


def critic_step(critic, gen, opt_c, real, cfg):
    with torch.no_grad():
        fake = gen(torch.randn(real.size(0), cfg["nz"]))
    opt_c.zero_grad()
    loss_c = critic(fake).mean() - critic(real).mean()
    loss_c.backward()
    opt_c.step()
    clip_weights(critic, cfg["clip_value"])
    return loss_c.item()


def generator_step(critic, gen, opt_g, cfg):
    set_requires_grad(critic, False)
    opt_g.zero_grad()
    fake = gen(torch.randn(cfg["batch"], cfg["nz"]))
    loss_g = -critic(fake).mean()
    loss_g.backward()
    opt_g.step()
    set_requires_grad(critic, True)
    return loss_g.item()


critic = build_critic(config["nx"])
gen = build_generator(config["nz"], config["nx"])
opt_c = torch.optim.RMSprop(critic.parameters(), lr=config["lr"])
opt_g = torch.optim.RMSprop(gen.parameters(), lr=config["lr"])
data = torch.randn(64, config["nx"]) * 0.5 + 1.0

log = {"critic": [], "gen": []}
for it in range(config["iterations"]):
    for k in range(config["n_critic"]):
        idx = torch.randint(0, data.size(0), (config["batch"],))
        real = data[idx]
        log["critic"].append(critic_step(critic, gen, opt_c, real, config))
    log["gen"].append(generator_step(critic, gen, opt_g, config))

max_abs_weight = max(p.abs().max().item() for p in critic.parameters())
