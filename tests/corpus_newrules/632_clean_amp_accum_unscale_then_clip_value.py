import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

torch.manual_seed(0)

model = nn.Sequential(nn.Linear(6, 12), nn.ReLU(), nn.Linear(12, 1))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
scaler = torch.amp.GradScaler("cpu")
ACCUM = 2
CLIP = 0.25

data = [(torch.randn(8, 6), torch.randn(8, 1)) for _ in range(4)]
max_seen = []
for i, (x, y) in enumerate(data):
    with torch.autocast("cpu", dtype=torch.bfloat16):
        pred = model(x)
    loss = nn.functional.mse_loss(pred.float(), y) / ACCUM
    scaler.scale(loss).backward()
    if (i + 1) % ACCUM == 0:
        scaler.unscale_(opt)
        clip_grad_value_(model.parameters(), CLIP)
        max_seen.append(max(p.grad.abs().max().item() for p in model.parameters()))
        scaler.step(opt)
        scaler.update()
        opt.zero_grad(set_to_none=True)


# fp32 fine-tuning pass: no scaler, so clipping right after backward is correct
head = model[2]
head_opt = torch.optim.SGD(head.parameters(), lr=0.01)
for x, y in data[:2]:
    head_opt.zero_grad()
    with torch.no_grad():
        feats = model[1](model[0](x))
    out = head(feats)
    loss = (out - y).pow(2).mean()
    loss.backward()
    total_norm = clip_grad_norm_(head.parameters(), max_norm=1.0)
    head_opt.step()
