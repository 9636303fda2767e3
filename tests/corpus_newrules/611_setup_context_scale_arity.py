import torch
import torch.nn as nn


class ScaleGrad(torch.autograd.Function):
    """Identity in forward, gradient multiplied by `factor` in backward."""

    @staticmethod
    def forward(x, factor):
        return x.view_as(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        _, factor = inputs
        ctx.factor = factor

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.factor


torch.manual_seed(0)
encoder = nn.Linear(5, 4)
classifier = nn.Linear(4, 2)
opt = torch.optim.SGD([*encoder.parameters(), *classifier.parameters()], lr=0.1)

x = torch.randn(8, 5)
y = torch.randint(0, 2, (8,))

opt.zero_grad()
feats = ScaleGrad.apply(encoder(x), 0.1)
loss = nn.functional.cross_entropy(classifier(feats), y)
loss.backward()
opt.step()
