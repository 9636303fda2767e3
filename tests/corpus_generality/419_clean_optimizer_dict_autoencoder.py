"""Autoencoder with separate optimizers for encoder and decoder kept in a dict."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "dim": 12,
    "latent": 4,
    "lrs": {"enc": 1e-2, "dec": 5e-2},
    "sparsity": 1e-3,
    "epochs": 5,
    "batch": 32,
    "decay_every": 2,
}


class AutoEncoder(nn.Module):
    def __init__(self, dim, latent):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(dim, 8), nn.ReLU(), nn.Linear(8, latent))
        self.dec = nn.Sequential(nn.Linear(latent, 8), nn.ReLU(), nn.Linear(8, dim))

    def forward(self, x):
        z = self.enc(x)
        return {"z": z, "recon": self.dec(z)}


def build_optimizers(model, lrs):
    return {
        "enc": torch.optim.Adam(model.enc.parameters(), lr=lrs["enc"]),
        "dec": torch.optim.SGD(model.dec.parameters(), lr=lrs["dec"], momentum=0.9),
    }


def compute_losses(outputs, x, sparsity):
    return {
        "recon": F.mse_loss(outputs["recon"], x),
        "l1": sparsity * outputs["z"].abs().mean(),
    }


def decay_lr(optimizers, factor):
    enc_opt, dec_opt = optimizers["enc"], optimizers["dec"]
    for opt in (enc_opt, dec_opt):
        for group in opt.param_groups:
            group["lr"] *= factor


def train(model, data, cfg):
    optimizers = build_optimizers(model, cfg["lrs"])
    history = {"recon": [], "l1": []}
    for epoch in range(cfg["epochs"]):
        outputs = model(data)
        losses = compute_losses(outputs, data, cfg["sparsity"])
        total = sum(losses.values())
        for opt in optimizers.values():
            opt.zero_grad()
        total.backward()
        for name, opt in optimizers.items():
            opt.step()
        for key, value in losses.items():
            history[key].append(value.item())
        if (epoch + 1) % cfg["decay_every"] == 0:
            decay_lr(optimizers, 0.5)
    return history


@torch.no_grad()
def encode_all(model, data):
    codes = model(data)["z"]
    return codes.numpy()


torch.manual_seed(0)
data = torch.randn(CONFIG["batch"], CONFIG["dim"])
model = AutoEncoder(CONFIG["dim"], CONFIG["latent"])
history = train(model, data, CONFIG)
outputs = model(data)
latent = outputs["z"]
recon_err = F.mse_loss(outputs["recon"], data).item()
codes = encode_all(model, data)
print(history["recon"][0], "->", history["recon"][-1], recon_err, codes.shape, latent.shape)
