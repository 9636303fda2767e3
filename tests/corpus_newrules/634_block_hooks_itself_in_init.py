import functools

import torch
from torch import nn

torch.manual_seed(0)


def save_input_grad(store, key, module, grad_input, grad_output):
    store[key] = grad_input


class FeedForward(nn.Module):
    """Block that records the gradient w.r.t. its own input for a saliency map."""

    def __init__(self, d_in, d_hidden, d_out, store):
        super().__init__()
        self.up = nn.Linear(d_in, d_hidden)
        self.act = nn.ReLU()
        self.down = nn.Linear(d_hidden, d_out)
        self.register_backward_hook(functools.partial(save_input_grad, store, "ffn"))

    def forward(self, x):
        return self.down(self.act(self.up(x)))


grads = {}
block = FeedForward(6, 10, 3, grads)
x = torch.randn(4, 6, requires_grad=True)
out = block(x)
loss = out.square().sum()
loss.backward()
saliency = grads["ffn"][1]
