import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

cfg = {
    "warmup_epochs": 2,
    "ema_decay": 0.9,
    "temperature": 2.0,
    "lr": 0.05,
    "distill_steps": 2,
}


def mlp(width):
    return nn.Sequential(nn.Linear(6, width), nn.ReLU(), nn.Linear(width, 4))


class EMATeacher:
    def __init__(self, model, decay):
        self.model = copy.deepcopy(model).requires_grad_(False)
        self.decay = decay

    @torch.no_grad()
    def update(self, model):
        for t, s in zip(self.model.parameters(), model.parameters()):
            t.mul_(self.decay).add_(s, alpha=1.0 - self.decay)


def make_dataset(n_batches=4, bs=8):
    xs = [torch.randn(bs, 6) for _ in range(n_batches)]
    ys = [torch.randint(0, 4, (bs,)) for _ in range(n_batches)]
    return list(zip(xs, ys))


def train_one_epoch(model, ema, data, opt):
    stats = {"loss_sum": 0.0, "n": 0}
    for x, y in data:
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema.update(model)
        stats["loss_sum"] += loss * x.size(0)
        stats["n"] += x.size(0)
    return stats


@torch.no_grad()
def predict(model, x, temperature=1.0):
    return model(x) / temperature


def distill_step(student, teacher, x, opt, T):
    t_logits = predict(teacher, x, T)
    s_logits = predict(student, x, T)
    loss = F.kl_div(F.log_softmax(s_logits, -1), F.softmax(t_logits, -1),
                    reduction="batchmean") * T * T
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


data = make_dataset()
big = mlp(32)
ema = EMATeacher(big, cfg["ema_decay"])
opt_big = torch.optim.SGD(big.parameters(), lr=cfg["lr"])
for epoch in range(cfg["warmup_epochs"]):
    warm_stats = train_one_epoch(big, ema, data, opt_big)
    epoch_loss = warm_stats["loss_sum"] / warm_stats["n"]

small = mlp(8)
opt_small = torch.optim.SGD(small.parameters(), lr=cfg["lr"])
kd_losses = []
for step in range(cfg["distill_steps"]):
    x, _ = data[step % len(data)]
    kd_losses.append(distill_step(small, ema.model, x, opt_small, cfg["temperature"]))
