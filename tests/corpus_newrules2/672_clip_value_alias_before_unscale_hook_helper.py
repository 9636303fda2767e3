import torch
import torch.nn as nn
from torch.nn.utils import clip_grad_value_ as clamp_grads

torch.manual_seed(0)


def add_grad_logger(module, store):
    """Log the largest gradient leaving `module` on every backward pass."""
    return module.register_backward_hook(lambda mod, gin, gout: store.append(gout[0].abs().max().item()))


model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
scaler = torch.amp.GradScaler("cpu")
logged = []
handle = add_grad_logger(model[2], logged)

x = torch.randn(20, 4)
target = torch.randn(20, 2)
true_max, applied_max = [], []
for _ in range(3):
    opt.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(x)
    loss = nn.functional.mse_loss(out.float(), target)
    scaler.scale(loss).backward()
    true_max.append(max(p.grad.abs().max().item() for p in model.parameters()) / scaler.get_scale())
    clamp_grads(model.parameters(), clip_value=0.5)
    scaler.unscale_(opt)
    applied_max.append(max(p.grad.abs().max().item() for p in model.parameters()))
    scaler.step(opt)
    scaler.update()
handle.remove()
