import torch
from torch import nn
from torch.autograd import Function


class PassThrough(Function):
    """Identity in forward and backward; subclasses only change what they record."""

    @staticmethod
    def forward(x):
        return x.view_as(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.name = "identity"

    @staticmethod
    def backward(ctx, grad):
        return grad


class ScaleGrad(PassThrough):
    @staticmethod
    def forward(x, scale):
        return x.view_as(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, scale = inputs
        ctx.scale = scale


identity = PassThrough.apply
scale_grad = ScaleGrad.apply


class TwoBranch(nn.Module):
    def __init__(self, dim=6, shared_scale=0.5):
        super().__init__()
        self.shared = nn.Linear(dim, dim)
        self.branch_a = nn.Linear(dim, 1)
        self.branch_b = nn.Linear(dim, 1)
        self.shared_scale = shared_scale

    def forward(self, x):
        h = torch.tanh(self.shared(x))
        a = self.branch_a(identity(h))
        b = self.branch_b(scale_grad(h, self.shared_scale))
        return a, b


torch.manual_seed(0)
net = TwoBranch()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
x = torch.randn(8, 6)
ya, yb = torch.randn(8, 1), torch.randn(8, 1)
for _ in range(2):
    opt.zero_grad()
    out_a, out_b = net(x)
    loss = (out_a - ya).pow(2).mean() + (out_b - yb).pow(2).mean()
    loss.backward()
    opt.step()
