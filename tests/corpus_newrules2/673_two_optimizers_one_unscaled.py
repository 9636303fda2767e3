import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)

encoder = nn.Sequential(nn.Linear(10, 6), nn.ReLU())
decoder = nn.Sequential(nn.Linear(6, 10))
opt_enc = torch.optim.Adam(encoder.parameters(), lr=1e-3)
opt_dec = torch.optim.SGD(decoder.parameters(), lr=1e-2)
scaler = torch.amp.GradScaler(device="cpu")
enc_norms, dec_norms = [], []


def train_step(batch):
    opt_enc.zero_grad()
    opt_dec.zero_grad()
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
        recon = decoder(encoder(batch))
    loss = F.mse_loss(recon.float(), batch)
    scaler.scale(loss).backward()

    scaler.unscale_(opt_enc)
    enc_norms.append(nn.utils.clip_grad_norm_(encoder.parameters(), max_norm=1.0).item())
    dec_norms.append(nn.utils.clip_grad_norm_(decoder.parameters(), max_norm=1.0).item())

    scaler.step(opt_enc)
    scaler.step(opt_dec)
    scaler.update()
    return loss.item()


data = torch.randn(16, 10)
losses = [train_step(data) for _ in range(3)]
