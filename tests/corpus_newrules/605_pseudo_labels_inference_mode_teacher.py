import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = {
    "in_dim": 16,
    "n_classes": 5,
    "teacher_hidden": 64,
    "student_hidden": 16,
    "steps": 3,
    "batch": 10,
    "lr": 5e-3,
    "conf_threshold": 0.0,
}


def mlp(in_dim, hidden, out_dim):
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, out_dim))


class Teacher(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = mlp(cfg["in_dim"], cfg["teacher_hidden"], cfg["n_classes"])

    def forward(self, x):
        return self.net(x)

    @torch.inference_mode()
    def pseudo_label(self, x):
        probs = self.forward(x).softmax(dim=-1)
        conf, labels = probs.max(dim=-1)
        return labels, conf


class Student(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = mlp(cfg["in_dim"], cfg["student_hidden"], cfg["n_classes"])

    def forward(self, x):
        return self.net(x)


def distill_loss(student_logits, labels, conf, threshold):
    keep = conf.mean().item() >= threshold
    loss = F.cross_entropy(student_logits, labels)
    return loss if keep else loss * 0.0


def train(student, teacher, unlabeled, cfg):
    opt = torch.optim.AdamW(student.parameters(), lr=cfg["lr"])
    teacher.eval()
    losses = []
    for step in range(cfg["steps"]):
        lo = step * cfg["batch"]
        xb = unlabeled[lo:lo + cfg["batch"]]
        labels, conf = teacher.pseudo_label(xb)
        opt.zero_grad()
        logits = student(xb)
        loss = distill_loss(logits, labels, conf, cfg["conf_threshold"])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def agreement(student, teacher, x):
    return (student(x).argmax(-1) == teacher(x).argmax(-1)).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    unlabeled = torch.randn(40, CFG["in_dim"])
    teacher = Teacher(CFG)
    student = Student(CFG)
    history = train(student, teacher, unlabeled, CFG)
    print(history, agreement(student, teacher, unlabeled))
