import torch
from torch.autograd import Variable

x = torch.randn(3)
v = Variable(x.data, requires_grad=False)
