from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class TrainConfig:
    dim: int = 10
    latent: int = 3
    batch: int = 12
    steps: int = 4
    lr: float = 3e-3
    log_histograms: bool = True
    histogram_bins: int = 6


class AutoEncoder(nn.Module):
    def __init__(self, dim, latent):
        super().__init__()
        self.encoder = nn.Linear(dim, latent)
        self.decoder = nn.Linear(latent, dim)

    def forward(self, x):
        z = torch.tanh(self.encoder(x))
        recon = self.decoder(z)
        return recon, z


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.model = AutoEncoder(cfg.dim, cfg.latent)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=cfg.lr, weight_decay=0.01)
        self.histograms = []
        self.losses = []

    def batch(self, step):
        g = torch.Generator().manual_seed(100 + step)
        return torch.randn(self.cfg.batch, self.cfg.dim, generator=g)

    def step(self, x):
        recon, z = self.model(x)
        loss = F.mse_loss(recon, x)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.losses.append(loss.item())
        return z

    def summarize_latents(self, z):
        if self.cfg.log_histograms:
            codes = np.array(z, dtype=np.float64)
            hist, _ = np.histogram(codes, bins=self.cfg.histogram_bins, range=(-1.0, 1.0))
            self.histograms.append(hist)
        else:
            self.histograms.append(z.detach().abs().mean().item())

    def fit(self):
        for step in range(self.cfg.steps):
            x = self.batch(step)
            z = self.step(x)
            self.summarize_latents(z)
        return self.losses


def main():
    torch.manual_seed(0)
    trainer = Trainer(TrainConfig())
    losses = trainer.fit()
    print("final loss", losses[-1])


if __name__ == "__main__":
    main()
