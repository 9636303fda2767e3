"""Mean-teacher semi-supervised training: the teacher is an EMA copy of the student."""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "d_in": 8,
    "d_hidden": 16,
    "n_classes": 3,
    "ema_decay": 0.9,
    "consistency": 0.5,
    "lr": 0.05,
    "steps": 5,
}


class Student(nn.Module):
    def __init__(self, d_in, d_hidden, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.drop = nn.Dropout(0.1)
        self.fc2 = nn.Linear(d_hidden, n_classes)

    def forward(self, x):
        return self.fc2(self.drop(F.relu(self.fc1(x))))


def make_teacher(student):
    teacher = copy.deepcopy(student)
    for p in teacher.parameters():
        p.requires_grad_(False)
    return teacher


@torch.no_grad()
def ema_update(teacher, student, decay):
    for t_param, s_param in zip(teacher.parameters(), student.parameters()):
        t_param.mul_(decay).add_(s_param, alpha=1.0 - decay)


def consistency_loss(student_logits, teacher_logits):
    return F.mse_loss(student_logits.softmax(-1), teacher_logits.softmax(-1))


def make_data(cfg, n_lab=16, n_unlab=32):
    x_lab = torch.randn(n_lab, cfg["d_in"])
    y_lab = x_lab[:, : cfg["n_classes"]].argmax(dim=1)
    x_unlab = torch.randn(n_unlab, cfg["d_in"])
    return x_lab, y_lab, x_unlab


def train(cfg):
    torch.manual_seed(0)
    student = Student(cfg["d_in"], cfg["d_hidden"], cfg["n_classes"])
    teacher = make_teacher(student)
    opt = torch.optim.SGD(student.parameters(), lr=cfg["lr"])
    x_lab, y_lab, x_unlab = make_data(cfg)
    for step in range(cfg["steps"]):
        sup = F.cross_entropy(student(x_lab), y_lab)
        with torch.no_grad():
            target_logits = teacher(x_unlab)
        student_logits = student(x_unlab)
        loss = sup + cfg["consistency"] * consistency_loss(student_logits, target_logits)
        opt.zero_grad()
        loss.backward()
        opt.step()
        ema_update(teacher, student, cfg["ema_decay"])
    return student, teacher


def agreement(student, teacher, x):
    student.eval()
    teacher.eval()
    with torch.no_grad():
        s_pred = student(x).argmax(1)
        t_pred = teacher(x).argmax(1)
    return (s_pred == t_pred).float().mean().item()


student, teacher = train(CFG)
teacher_w = teacher.fc1.weight
student_w = student.fc1.weight
print("agreement", agreement(student, teacher, torch.randn(20, CFG["d_in"])))
