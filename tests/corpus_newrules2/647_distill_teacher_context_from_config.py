import torch
import torch.nn as nn
import torch.nn.functional as F


class DistillConfig:
    def __init__(self, **overrides):
        self.dim = 10
        self.classes = 5
        self.temperature = 2.0
        self.alpha = 0.7
        self.lr = 1e-2
        self.steps = 3
        self.teacher_context = "no_grad"
        for key, value in overrides.items():
            setattr(self, key, value)


CONTEXTS = {
    "no_grad": torch.no_grad,
    "inference": torch.inference_mode,
}


def mlp(dim, hidden, out):
    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, out))


class Distiller:
    def __init__(self, teacher, student, cfg):
        self.teacher = teacher.eval()
        self.student = student
        self.cfg = cfg
        self.frozen = CONTEXTS[cfg.teacher_context]
        self.opt = torch.optim.SGD(student.parameters(), lr=cfg.lr, momentum=0.9)

    def soft_targets(self, x):
        with self.frozen():
            targets = self.teacher(x) / self.cfg.temperature
        return targets

    def loss(self, x, y):
        student_logits = self.student(x)
        targets = self.soft_targets(x)
        hard = F.cross_entropy(student_logits, y)
        soft = F.mse_loss(student_logits / self.cfg.temperature, targets)
        return self.cfg.alpha * soft + (1 - self.cfg.alpha) * hard

    def train_step(self, x, y):
        self.opt.zero_grad()
        loss = self.loss(x, y)
        loss.backward()
        self.opt.step()
        return loss.item()


torch.manual_seed(0)
cfg = DistillConfig(teacher_context="inference", steps=2)
teacher = mlp(cfg.dim, 32, cfg.classes)
student = mlp(cfg.dim, 8, cfg.classes)
x = torch.randn(16, cfg.dim)
y = torch.randint(0, cfg.classes, (16,))
distiller = Distiller(teacher, student, cfg)
history = [distiller.train_step(x, y) for _ in range(cfg.steps)]
