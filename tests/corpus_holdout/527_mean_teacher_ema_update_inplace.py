import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

HPARAMS = {
    "ema_decay": 0.99,
    "consistency_weight": 0.5,
    "lr": 0.05,
    "epochs": 2,
    "labeled_bs": 6,
    "unlabeled_bs": 10,
}


def make_net():
    return nn.Sequential(
        nn.Linear(8, 32),
        nn.BatchNorm1d(32),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(32, 3),
    )


class ModelEMA:
    """Keeps an exponential moving average copy of the student's weights."""

    def __init__(self, model, decay):
        self.module = copy.deepcopy(model)
        self.module.eval()
        self.decay = decay
        self.updates = 0

    def update(self, model):
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for ema_p, p in zip(self.module.parameters(), model.parameters()):
            ema_p.mul_(d).add_(p.detach(), alpha=1 - d)
        for ema_b, b in zip(self.module.buffers(), model.buffers()):
            ema_b.copy_(b)


def consistency_loss(student_logits, teacher_logits):
    return F.mse_loss(F.softmax(student_logits, 1), F.softmax(teacher_logits, 1))


def train_one_epoch(student, ema, optimizer, batches, hp):
    student.train()
    for x_l, y_l, x_u in batches:
        sup = F.cross_entropy(student(x_l), y_l)
        with torch.no_grad():
            teacher_logits = ema.module(x_u)
        cons = consistency_loss(student(x_u), teacher_logits)
        loss = sup + hp["consistency_weight"] * cons
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        ema.update(student)
    return loss.item()


def make_batches(hp, n=3):
    out = []
    for _ in range(n):
        x_l = torch.randn(hp["labeled_bs"], 8)
        y_l = torch.randint(0, 3, (hp["labeled_bs"],))
        x_u = torch.randn(hp["unlabeled_bs"], 8)
        out.append((x_l, y_l, x_u))
    return out


student = make_net()
ema = ModelEMA(student, HPARAMS["ema_decay"])
optimizer = torch.optim.SGD(student.parameters(), lr=HPARAMS["lr"], momentum=0.9)
batches = make_batches(HPARAMS)
for epoch in range(HPARAMS["epochs"]):
    last_loss = train_one_epoch(student, ema, optimizer, batches, HPARAMS)
