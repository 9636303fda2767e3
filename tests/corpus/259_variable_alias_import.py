import torch
from torch.autograd import Variable as V

x = V(torch.randn(3), requires_grad=True)
y = (x**2).sum()
y.backward()
