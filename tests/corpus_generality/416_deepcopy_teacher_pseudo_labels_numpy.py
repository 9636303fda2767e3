import copy

import numpy as np
import torch
import torch.nn as nn


def make_model():
    return nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))


def fit(model, x, y, steps=5):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def teacher_accuracy(teacher, x, y):
    with torch.no_grad():
        logits = teacher(x)
    return float((logits.argmax(1) == y).float().mean())


def pseudo_labels(teacher, x_unlabeled, threshold):
    teacher.eval()
    probs = teacher(x_unlabeled).softmax(dim=1)
    probs_np = probs.numpy()
    keep = probs_np.max(axis=1) > threshold
    return np.argmax(probs_np, axis=1), keep


torch.manual_seed(0)
x = torch.randn(40, 6)
y = x[:, :3].argmax(dim=1)
x_unlabeled = torch.randn(60, 6)
model = make_model()
print("fit", fit(model, x, y))
teacher = copy.deepcopy(model)
teacher_weight = teacher[0].weight
print("teacher acc", teacher_accuracy(teacher, x, y))
labels, keep = pseudo_labels(teacher, x_unlabeled, threshold=0.6)
print(labels[keep])
