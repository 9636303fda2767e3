import torch
import torch.optim as optim


def init_weight(fan_in, fan_out):
    w = torch.rand(fan_in, fan_out, requires_grad=True)
    return (w - 0.5) * (2.0 / fan_in) ** 0.5


layers = [init_weight(8, 8), init_weight(8, 1)]
optimizer = optim.Adam((p for p in layers), lr=1e-3)
x = torch.randn(5, 8)
out = torch.relu(x @ layers[0]) @ layers[1]
