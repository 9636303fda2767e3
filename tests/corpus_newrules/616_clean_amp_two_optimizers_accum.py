import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.amp import GradScaler

CONFIG = {
    "in_dim": 12,
    "latent": 6,
    "micro_batch": 4,
    "accum_steps": 2,
    "updates": 3,
    "lr_enc": 1e-3,
    "lr_dec": 5e-4,
    "clip": 1.0,
}


class Encoder(nn.Module):
    def __init__(self, in_dim, latent):
        super().__init__()
        self.fc = nn.Linear(in_dim, latent)

    def forward(self, x):
        return torch.tanh(self.fc(x))


class Decoder(nn.Module):
    def __init__(self, latent, out_dim):
        super().__init__()
        self.fc = nn.Linear(latent, out_dim)

    def forward(self, z):
        return self.fc(z)


def unscale_and_clip(scaler, optimizers, modules, max_norm):
    norms = []
    for opt, mod in zip(optimizers, modules):
        scaler.unscale_(opt)          # once per optimizer per update
        norms.append(nn.utils.clip_grad_norm_(mod.parameters(), max_norm))
    return torch.stack(norms)


def micro_loss(enc, dec, xb, cfg):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        z = enc(xb)
        recon = dec(z)
    per_sample = F.mse_loss(recon.float(), xb, reduction="none").mean(dim=1)
    return per_sample.mean() / cfg["accum_steps"]


def train(enc, dec, data, cfg):
    opt_enc = torch.optim.Adam(enc.parameters(), lr=cfg["lr_enc"])
    opt_dec = torch.optim.Adam(dec.parameters(), lr=cfg["lr_dec"])
    scaler = GradScaler("cpu")
    norms_log = []
    micro = 0
    for update in range(cfg["updates"]):
        opt_enc.zero_grad()
        opt_dec.zero_grad()
        for k in range(cfg["accum_steps"]):
            lo = micro * cfg["micro_batch"]
            xb = data[lo:lo + cfg["micro_batch"]]
            loss = micro_loss(enc, dec, xb, cfg)
            scaler.scale(loss).backward()
            micro += 1
        norms = unscale_and_clip(scaler, [opt_enc, opt_dec], [enc, dec], cfg["clip"])
        scaler.step(opt_enc)
        scaler.step(opt_dec)
        scaler.update()
        norms_log.append(norms)
    return norms_log


@torch.no_grad()
def evaluate(enc, dec, data):
    return F.mse_loss(dec(enc(data)), data).item()


def main():
    torch.manual_seed(0)
    cfg = CONFIG
    data = torch.randn(cfg["micro_batch"] * cfg["accum_steps"] * cfg["updates"], cfg["in_dim"])
    enc = Encoder(cfg["in_dim"], cfg["latent"])
    dec = Decoder(cfg["latent"], cfg["in_dim"])
    norms_log = train(enc, dec, data, cfg)
    print(torch.stack(norms_log), evaluate(enc, dec, data))


main()
