import torch
from torch import nn, optim


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.temperature = torch.ones(1).requires_grad_()

    def forward(self, x):
        return self.fc(x) / self.temperature


m = Classifier()
opt = optim.Adam(m.parameters(), lr=0.1)
for _ in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(m(torch.randn(6, 4)), torch.tensor([0, 1, 2, 0, 1, 2]))
    loss.backward()
    opt.step()
