import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, kernel_size=3, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        h = self.act(self.conv(x))
        return self.fc(self.pool(h).flatten(1))


class GradientLogger:
    def __init__(self, model):
        self.grad_norms = {}
        self.act_hist = {}
        for name, module in model.named_children():
            if isinstance(module, (nn.ReLU, nn.Linear)):
                # their inputs require grad, so grad_input is populated too
                module.register_full_backward_hook(self._backward_hook(name))
            if isinstance(module, nn.Conv2d):
                module.register_forward_hook(self._forward_hook(name))

    def _backward_hook(self, name):
        def hook(module, grad_input, grad_output):
            g = grad_output[0]
            self.grad_norms.setdefault(name, []).append(float(np.linalg.norm(g.numpy())))
        return hook

    def _forward_hook(self, name):
        def hook(module, inputs, output):
            snapshot = output.detach().cpu().numpy()
            counts, _ = np.histogram(snapshot, bins=5)
            self.act_hist[name] = counts
        return hook


def make_data(n=12):
    x = torch.randn(n, 2, 5, 5)
    y = torch.randint(0, 3, (n,))
    return x, y


def train(model, x, y, epochs=3, lr=0.05):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for epoch in range(epochs):
        optimizer.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out, y)
        loss.backward()
        optimizer.step()
        print(epoch, round(loss.item(), 4))


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        acc = (logits.argmax(1) == y).float().mean()
    return acc.item()


torch.manual_seed(0)
model = ConvNet()
logger = GradientLogger(model)
x, y = make_data()
train(model, x, y)
print("acc", evaluate(model, x, y))
print({k: [round(v, 3) for v in vals] for k, vals in logger.grad_norms.items()})
print(logger.act_hist)
