"""Classifier whose head learns a softmax temperature (confidence calibration)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class TemperatureLinear(nn.Linear):
    def __init__(self, d_in, d_out, init_temp=1.5):
        super().__init__(d_in, d_out)
        self.log_temp = nn.Parameter(torch.tensor(math.log(init_temp)))

    def temperature(self):
        return self.log_temp.exp()

    def forward(self, x):
        logits = super().forward(x)
        temp = self.temperature().item()
        return logits / temp


class Net(nn.Module):
    def __init__(self, d_in=10, d_hidden=20, n_classes=4):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(d_in, d_hidden), nn.ReLU())
        self.head = TemperatureLinear(d_hidden, n_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def nll_and_ece(model, x, y, n_bins=5):
    with torch.no_grad():
        probs = F.softmax(model(x), dim=1)
    conf, pred = probs.max(dim=1)
    correct = (pred == y).float()
    ece = torch.zeros(())
    edges = torch.linspace(0, 1, n_bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:]):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            gap = (conf[in_bin].mean() - correct[in_bin].mean()).abs()
            ece = ece + gap * in_bin.float().mean()
    nll = F.nll_loss(probs.log(), y)
    return nll.item(), ece.item()


torch.manual_seed(0)
x = torch.randn(128, 10)
y = torch.randint(0, 4, (128,))
model = Net()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
temp_before = model.head.temperature().detach()
for epoch in range(5):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
temp_after = model.head.temperature().detach()
print(nll_and_ece(model, x, y), temp_before.item(), temp_after.item())
