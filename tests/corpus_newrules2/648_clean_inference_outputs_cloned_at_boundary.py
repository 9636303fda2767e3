import torch
from torch import nn
import torch.nn.functional as F

CFG = {"dim": 10, "classes": 4, "steps": 3, "lr": 1e-2, "temperature": 2.0}


def mlp(dim, hidden, out):
    return nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, out))


class Teacher:
    def __init__(self, net):
        self.net = net.eval()
        self.cache = {}

    @torch.inference_mode()
    def _raw(self, x):
        return self.net(x)

    def targets(self, x, temperature):
        logits = self._raw(x).clone()
        probs = F.softmax(logits / temperature, dim=-1)
        labels = logits.argmax(-1)
        return probs, labels

    @torch.no_grad()
    def build_prototypes(self, x):
        self.cache["proj"] = torch.linalg.qr(torch.randn(x.shape[1], CFG["classes"])).Q
        return self.cache["proj"]


def class_prior(classes):
    with torch.inference_mode():
        prior = torch.log(torch.full((classes,), 1.0 / classes))
        keep = torch.ones(classes)
    return prior, keep


def student_loss(student, teacher, x, prior, keep, proj):
    logits = student(x) + prior
    logits = logits * (keep > 0)
    probs, labels = teacher.targets(x, CFG["temperature"])
    soft = F.kl_div(F.log_softmax(logits / CFG["temperature"], -1), probs, reduction="batchmean")
    hard = F.cross_entropy(logits, labels)
    aux = 1e-3 * (student[0].weight @ proj).pow(2).mean()
    return soft + hard + aux


@torch.inference_mode()
def evaluate(student, x, labels):
    return (student(x).argmax(-1) == labels).float().mean().item()


def train(student, teacher, x):
    prior, keep = class_prior(CFG["classes"])
    proj = teacher.build_prototypes(x)
    opt = torch.optim.Adam(student.parameters(), lr=CFG["lr"])
    losses = []
    for _ in range(CFG["steps"]):
        opt.zero_grad()
        loss = student_loss(student, teacher, x, prior, keep, proj)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(0)
teacher = Teacher(mlp(CFG["dim"], 32, CFG["classes"]))
student = mlp(CFG["dim"], 8, CFG["classes"])
x = torch.randn(24, CFG["dim"])
losses = train(student, teacher, x)
_, teacher_labels = teacher.targets(x, 1.0)
acc = evaluate(student, x, teacher_labels)
