import copy

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)

SETTINGS = dict(out_dim=16, student_temp=0.1, teacher_temp=0.04, center_momentum=0.9,
                teacher_momentum=0.996, freeze_last_layer_steps=2, steps=5, lr=1e-3)


class Head(nn.Module):
    def __init__(self, in_dim, out_dim):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(in_dim, 32), nn.GELU(), nn.Linear(32, 8))
        self.last_layer = nn.Linear(8, out_dim, bias=False)

    def forward(self, x):
        return self.last_layer(F.normalize(self.mlp(x), dim=-1))


class DINOLoss(nn.Module):
    def __init__(self, out_dim, cfg):
        super().__init__()
        self.cfg = cfg
        self.register_buffer("center", torch.zeros(1, out_dim))

    def forward(self, student_out, teacher_out):
        s = F.log_softmax(student_out / self.cfg["student_temp"], dim=-1)
        t = F.softmax((teacher_out - self.center) / self.cfg["teacher_temp"], dim=-1)
        loss = torch.sum(-t * s, dim=-1).mean()
        self.update_center(teacher_out)
        return loss

    @torch.no_grad()
    def update_center(self, teacher_out):
        batch_center = teacher_out.mean(dim=0, keepdim=True)
        m = self.cfg["center_momentum"]
        self.center.mul_(m).add_(batch_center * (1 - m))


@torch.no_grad()
def momentum_update(student, teacher, m):
    for s_p, t_p in zip(student.parameters(), teacher.parameters()):
        t_p.data.mul_(m).add_((1 - m) * s_p.data)


def cancel_last_layer_grads(model, step, cfg):
    if step >= cfg["freeze_last_layer_steps"]:
        return
    for p in model.last_layer.parameters():
        p.grad = None


student = Head(10, SETTINGS["out_dim"])
teacher = copy.deepcopy(student)
for p in teacher.parameters():
    p.requires_grad_(False)
criterion = DINOLoss(SETTINGS["out_dim"], SETTINGS)
optimizer = torch.optim.AdamW(student.parameters(), lr=SETTINGS["lr"])
last_layer_init = student.last_layer.weight.detach().clone()

entropies = []
for step in range(SETTINGS["steps"]):
    view1 = torch.randn(12, 10)
    view2 = view1 + 0.05 * torch.randn(12, 10)
    with torch.no_grad():
        t_out = teacher(view1)
    s_out = student(view2)
    loss = criterion(s_out, t_out)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(student.parameters(), max_norm=3.0)
    cancel_last_layer_grads(student, step, SETTINGS)
    optimizer.step()
    momentum_update(student, teacher, SETTINGS["teacher_momentum"])
    t_probs = F.softmax(t_out / SETTINGS["teacher_temp"], dim=-1).numpy()
    entropies.append(float(-(t_probs * np.log(t_probs + 1e-8)).sum(1).mean()))

student_probs = s_out.detach().softmax(-1).numpy()
