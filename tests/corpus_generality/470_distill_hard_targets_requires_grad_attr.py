import torch
from torch import nn
import torch.nn.functional as F

CFG = {
    "features": 16,
    "classes": 5,
    "batch": 20,
    "steps": 3,
    "lr": 0.05,
    "temperature": 2.0,
    "hard_targets": True,
}


class Teacher(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(features, 32), nn.ReLU(), nn.Linear(32, classes))

    def forward(self, x):
        return self.net(x)


class Student(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.linear = nn.Linear(features, classes)

    def forward(self, x):
        return self.linear(x)


def soft_targets(teacher_logits, temperature):
    return F.softmax(teacher_logits / temperature, dim=1)


def hard_targets(teacher_logits):
    pseudo = teacher_logits.max(dim=1).indices
    # "make sure the targets take part in the graph"
    pseudo.requires_grad = True
    return pseudo


def distillation_loss(student_logits, teacher_logits, cfg):
    if cfg["hard_targets"]:
        targets = hard_targets(teacher_logits)
        return F.cross_entropy(student_logits, targets)
    targets = soft_targets(teacher_logits, cfg["temperature"])
    log_p = F.log_softmax(student_logits / cfg["temperature"], dim=1)
    return F.kl_div(log_p, targets, reduction="batchmean")


def run(cfg):
    torch.manual_seed(0)
    teacher = Teacher(cfg["features"], cfg["classes"])
    teacher.eval()
    student = Student(cfg["features"], cfg["classes"])
    optimizer = torch.optim.SGD(student.parameters(), lr=cfg["lr"])
    losses = []
    for step in range(cfg["steps"]):
        x = torch.randn(cfg["batch"], cfg["features"])
        with torch.no_grad():
            teacher_logits = teacher(x)
        student_logits = student(x)
        loss = distillation_loss(student_logits, teacher_logits, cfg)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    print(run(CFG))
