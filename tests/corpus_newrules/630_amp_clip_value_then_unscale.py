import torch
from torch import nn
from torch.nn.utils import clip_grad_value_

torch.manual_seed(0)


class AmpTrainer:
    def __init__(self, model, lr, clip_value):
        self.model = model
        self.opt = torch.optim.SGD(model.parameters(), lr=lr)
        self.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
        self.clip_value = clip_value

    def _clip(self):
        clip_grad_value_(self.model.parameters(), clip_value=self.clip_value)

    def backward(self, loss):
        self.scaler.scale(loss).backward()
        self._clip()
        self.scaler.unscale_(self.opt)

    def step(self, x, y):
        self.opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = nn.functional.smooth_l1_loss(self.model(x).float(), y)
        self.backward(loss)
        self.scaler.step(self.opt)
        self.scaler.update()
        return loss.detach()


def warmup(trainer, x, y, steps):
    for _ in range(steps):
        trainer.opt.zero_grad()
        loss = (trainer.model(x) - y).abs().mean()
        trainer.scaler.scale(loss).backward()
        torch.nn.utils.clip_grad_norm_(trainer.model.parameters(), max_norm=5.0)
        trainer.scaler.step(trainer.opt)
        trainer.scaler.update()


model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
trainer = AmpTrainer(model, lr=0.1, clip_value=0.5)
x = torch.randn(16, 4)
y = torch.randn(16, 2)
warmup(trainer, x, y, steps=2)
warm_norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()]))
last_loss = trainer.step(x, y)
max_abs_grad = max(p.grad.abs().max().item() for p in model.parameters())
with torch.no_grad():
    true_loss = nn.functional.smooth_l1_loss(model(x), y)
