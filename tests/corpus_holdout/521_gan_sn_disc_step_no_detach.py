import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "latent_dim": 8,
    "data_dim": 12,
    "hidden": 32,
    "spectral_norm": True,
    "lr": 2e-4,
    "betas": (0.5, 0.999),
    "steps": 3,
    "batch_size": 16,
}


def maybe_sn(layer, cfg):
    if cfg["spectral_norm"]:
        return nn.utils.spectral_norm(layer)
    return layer


class Generator(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg["latent_dim"], cfg["hidden"]),
            nn.ReLU(),
            nn.Linear(cfg["hidden"], cfg["data_dim"]),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)


class Discriminator(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = maybe_sn(nn.Linear(cfg["data_dim"], cfg["hidden"]), cfg)
        self.fc2 = maybe_sn(nn.Linear(cfg["hidden"], 1), cfg)

    def forward(self, x):
        h = F.leaky_relu(self.fc1(x), 0.2)
        return self.fc2(h)


def sample_real(n, dim):
    base = torch.linspace(-1, 1, dim)
    return torch.tanh(base + 0.1 * torch.randn(n, dim))


def d_loss_fn(d_real, d_fake):
    real_loss = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
    fake_loss = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    return real_loss + fake_loss


def train_step(netG, netD, optG, optD, cfg):
    real = sample_real(cfg["batch_size"], cfg["data_dim"])
    z = torch.randn(cfg["batch_size"], cfg["latent_dim"])
    fake = netG(z)

    # --- discriminator ---
    optD.zero_grad()
    errD = d_loss_fn(netD(real), netD(fake))
    errD.backward()
    optD.step()

    # --- generator ---
    optG.zero_grad()
    d_out = netD(fake)
    errG = F.binary_cross_entropy_with_logits(d_out, torch.ones_like(d_out))
    errG.backward()
    optG.step()
    return errD.item(), errG.item()


def main(cfg):
    torch.manual_seed(0)
    netG = Generator(cfg)
    netD = Discriminator(cfg)
    optG = torch.optim.Adam(netG.parameters(), lr=cfg["lr"], betas=cfg["betas"])
    optD = torch.optim.Adam(netD.parameters(), lr=cfg["lr"], betas=cfg["betas"])
    history = []
    for step in range(cfg["steps"]):
        history.append(train_step(netG, netD, optG, optD, cfg))
    return history


if __name__ == "__main__":
    history = main(CFG)
