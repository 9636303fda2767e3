import torch
from torch.autograd import Variable

x = Variable(torch.randn(2, 3), volatile=True)
