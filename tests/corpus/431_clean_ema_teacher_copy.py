import copy

import torch
from torch import nn

student = nn.Linear(3, 3)
teacher = copy.deepcopy(student)
opt = torch.optim.SGD(student.parameters(), lr=0.1)
for _ in range(2):
    opt.zero_grad()
    student(torch.randn(2, 3)).sum().backward()
    opt.step()
    with torch.no_grad():
        for t, s in zip(teacher.parameters(), student.parameters(), strict=True):
            t.mul_(0.99).add_(s, alpha=0.01)
