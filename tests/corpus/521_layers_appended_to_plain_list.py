import torch
from torch import nn


class Stack(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.layers = []
        for _ in range(n):
            self.layers.append(nn.Linear(2, 2))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


m = Stack(2)
