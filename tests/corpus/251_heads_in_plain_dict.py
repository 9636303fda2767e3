import torch
from torch import nn


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(8, 8)
        self.heads = {"cls": nn.Linear(8, 3), "reg": nn.Linear(8, 1)}

    def forward(self, x):
        h = torch.relu(self.trunk(x))
        return {name: head(h) for name, head in self.heads.items()}


model = MultiTask()
outs = model(torch.randn(4, 8))
(outs["cls"].sum() + outs["reg"].sum()).backward()
