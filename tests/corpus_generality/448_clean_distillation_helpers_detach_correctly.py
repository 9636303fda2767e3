import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

CFG = {"in_dim": 8, "classes": 5, "alpha": 0.7, "T": 2.0, "lr": 5e-3, "steps": 4, "batch": 20}


def mlp(in_dim, hidden, out_dim):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))


class Student(nn.Module):
    def __init__(self, in_dim, classes):
        super().__init__()
        self.net = mlp(in_dim, 16, classes)
        self.log_temp = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        return self.net(x) / as_float32(self.log_temp).exp()


def as_float32(t):
    return t.to(torch.float32)


def to_numpy(t):
    return t.detach().cpu().numpy()


def soft_targets(teacher_logits, T):
    return F.softmax(teacher_logits.detach() / T, dim=-1)


def distill_loss(student_logits, teacher_logits, labels, cfg):
    T = cfg["T"]
    soft = soft_targets(teacher_logits, T)
    kd = F.kl_div(F.log_softmax(student_logits / T, dim=-1), soft, reduction="batchmean") * T * T
    ce = F.cross_entropy(student_logits, labels)
    return cfg["alpha"] * kd + (1 - cfg["alpha"]) * ce


def agreement(student_logits, teacher_logits):
    s = to_numpy(student_logits).argmax(axis=1)
    t = to_numpy(teacher_logits).argmax(axis=1)
    return float(np.mean(s == t))


def train(student, teacher, cfg):
    opt = torch.optim.Adam(student.parameters(), lr=cfg["lr"])
    history = []
    for _ in range(cfg["steps"]):
        x = torch.randn(cfg["batch"], cfg["in_dim"])
        labels = torch.randint(0, cfg["classes"], (cfg["batch"],))
        with torch.no_grad():
            teacher_logits = teacher(x)
        student_logits = student(x)
        loss = distill_loss(student_logits, teacher_logits, labels, cfg)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append((loss.item(), agreement(student_logits, teacher_logits)))
    return history


torch.manual_seed(0)
teacher = mlp(CFG["in_dim"], 32, CFG["classes"]).requires_grad_(False).eval()
student = Student(CFG["in_dim"], CFG["classes"])
temp_before = student.log_temp.detach().clone()
history = train(student, teacher, CFG)
probe = to_numpy(student(torch.randn(3, CFG["in_dim"])))
print(history[-1], probe.shape)
