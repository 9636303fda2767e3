import copy

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 20)
        self.fc2 = nn.Linear(20, 4)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def save_to(store, key):
    def hook(module, inputs, output):
        store[key] = output
    return hook


torch.manual_seed(0)
teacher = Net()
student = copy.deepcopy(teacher)
with torch.no_grad():
    for p in student.parameters():
        p.add_(0.3 * torch.randn_like(p))
teacher.requires_grad_(False)
teacher.eval()

feats = {}
handles = [
    teacher.fc1.register_forward_hook(save_to(feats, "teacher")),
    student.fc1.register_forward_hook(save_to(feats, "student")),
]

x = torch.randn(48, 10)
lr = 0.1
for step in range(6):
    student.zero_grad(set_to_none=True)
    logits = student(x)
    with torch.no_grad():
        t_logits = teacher(x)
    feat_loss = F.mse_loss(feats["student"], feats["teacher"])
    kd_loss = F.kl_div(F.log_softmax(logits, 1), F.softmax(t_logits, 1), reduction="batchmean")
    loss = feat_loss + kd_loss
    loss.backward()
    with torch.no_grad():
        for p in student.parameters():
            p -= lr * p.grad

agree = (logits.argmax(1) == t_logits.argmax(1)).float().mean()
teacher_feats = np.asarray(feats["teacher"])
student_feats = feats["student"].detach().numpy()
gap = float(np.abs(teacher_feats - student_feats).mean())
for h in handles:
    h.remove()
print(loss.item(), agree.item(), gap)
