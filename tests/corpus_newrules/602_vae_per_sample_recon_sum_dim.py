import torch
from torch import nn
import torch.nn.functional as F

CONFIG = {
    "data_dim": 20,
    "latent": 4,
    "hidden": 24,
    "batch": 8,
    "epochs": 2,
    "lr": 3e-3,
    "beta": 0.5,
}


class TinyVAE(nn.Module):
    def __init__(self, data_dim, hidden, latent):
        super().__init__()
        self.enc = nn.Linear(data_dim, hidden)
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)
        self.dec1 = nn.Linear(latent, hidden)
        self.dec2 = nn.Linear(hidden, data_dim)

    def encode(self, x):
        h = torch.tanh(self.enc(x))
        return self.mu(h), self.logvar(h)

    def decode(self, z):
        return self.dec2(torch.tanh(self.dec1(z)))

    def forward(self, x):
        mu, logvar = self.encode(x)
        std = torch.exp(0.5 * logvar)
        z = mu + std * torch.randn_like(std)
        return self.decode(z), mu, logvar


def elbo_terms(recon, x, mu, logvar):
    # reconstruction error per sample: sum over the features of each row
    rec = F.mse_loss(recon, x, reduction="none").sum(dim=1)
    kl = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
    return rec, kl


def batches(data, size):
    for i in range(0, data.shape[0], size):
        yield data[i:i + size]


def train_epoch(model, opt, data, cfg):
    model.train()
    seen = 0.0
    for xb in batches(data, cfg["batch"]):
        opt.zero_grad()
        recon, mu, logvar = model(xb)
        rec, kl = elbo_terms(recon, xb, mu, logvar)
        loss = rec + cfg["beta"] * kl
        loss.backward()
        opt.step()
        seen += loss.detach().mean().item()
    return seen


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    recon, mu, logvar = model(data)
    return F.mse_loss(recon, data).item()


def main():
    torch.manual_seed(0)
    cfg = CONFIG
    data = torch.randn(32, cfg["data_dim"])
    model = TinyVAE(cfg["data_dim"], cfg["hidden"], cfg["latent"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        total = train_epoch(model, opt, data, cfg)
        print(epoch, total, evaluate(model, data))


main()
