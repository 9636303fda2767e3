import torch
import torch.nn.functional as F
from torch.nn import Module, Parameter


class MyLinear(Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = Parameter(torch.randn(n_out, n_in) * 0.1)
        self.bias = Parameter(torch.zeros(n_out))

    def forward(self, x):
        w, b = self.weight, self.bias.detach()
        return F.linear(x, w, b)


layer = MyLinear(3, 2)
layer(torch.randn(4, 3)).sum().backward()
