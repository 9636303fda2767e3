import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
model = nn.Linear(4, 3)
temperature = torch.ones(1, requires_grad=True)
x = torch.randn(30, 4)
labels = torch.randint(0, 3, (30,))
lr = 0.1


def apply_update(t, step_size):
    t.data.add_(t.grad, alpha=-step_size)
    t.grad.zero_()


temp_grads = []
for epoch in range(5):
    model.zero_grad(set_to_none=True)
    logits = model(x) / temperature
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)
    temp_grads.append(temperature.grad.item())
    apply_update(temperature, lr)
