import torch
from torch import nn


class Trainer:
    def __init__(self):
        self.model = nn.Linear(4, 3)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=0.1)
        self.last_grad = None

    def step(self, x, y):
        self.opt.zero_grad()
        logits = self.model(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        self.last_grad = logits.grad
        self.opt.step()


trainer = Trainer()
trainer.step(torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1]))
