import torch
from torch import nn
from torch.autograd import Function


class ScaledTanh(Function):
    @staticmethod
    def forward(x, gain, clamp):
        return torch.tanh(x) * gain

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, gain, clamp = inputs
        ctx.save_for_backward(x)
        ctx.gain, ctx.clamp = gain, clamp

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad * ctx.gain * (1 - torch.tanh(x).pow(2))
        return g.clamp(-ctx.clamp, ctx.clamp), None, None


class MaskedMatmul(Function):
    @staticmethod
    def forward(ctx, x, weight, mask):
        ctx.save_for_backward(x, weight, mask)
        return x @ (weight * mask).t()

    @staticmethod
    def backward(ctx, grad_out):
        x, weight, mask = ctx.saved_tensors
        grads = [None, None, None]
        if ctx.needs_input_grad[0]:
            grads[0] = grad_out @ (weight * mask)
        if not ctx.needs_input_grad[1]:
            return tuple(grads)
        grads[1] = (grad_out.t() @ x) * mask
        return tuple(grads)


class Passthrough(Function):
    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class Negate(Passthrough):
    @staticmethod
    def backward(ctx, grad):
        return -grad


scaled_tanh = ScaledTanh.apply


class SparseNet(nn.Module):
    def __init__(self, dim=8, out=2, density=0.5):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(dim, dim) * 0.3)
        self.register_buffer("mask", (torch.rand(dim, dim) < density).float())
        self.head = nn.Linear(dim, out)

    def forward(self, x):
        h = MaskedMatmul.apply(x, self.weight, self.mask)
        h = scaled_tanh(h, 1.5, 10.0)
        return self.head(Passthrough.apply(h)), Negate.apply(h).mean()


torch.manual_seed(0)
net = SparseNet()
opt = torch.optim.SGD(net.parameters(), lr=0.05)
x = torch.randn(16, 8)
y = torch.randn(16, 2)
for _ in range(3):
    opt.zero_grad()
    pred, reg = net(x)
    loss = (pred - y).pow(2).mean() + 0.01 * reg
    loss.backward()
    opt.step()
