import torch
import torch.nn as nn
from torch.utils import checkpoint as ckpt

torch.manual_seed(0)


class TwoStage(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Linear(6, 24)
        self.stage1 = nn.Sequential(nn.Linear(24, 24), nn.SiLU())
        self.stage2 = nn.Sequential(nn.Linear(24, 24), nn.SiLU())
        self.fc = nn.Linear(24, 1)

    def forward(self, x):
        h = self.stem(x)  # trainable stem: h requires grad
        h = ckpt.checkpoint(self.stage1, h)
        h = ckpt.checkpoint(self.stage2, h, use_reentrant=True)
        return self.fc(h)

    def features(self, x):
        return self.stage1(self.stem(x))


def input_saliency(net, x):
    # gradient w.r.t. the raw input: the checkpoint input is a leaf that requires grad
    x = x.detach().clone().requires_grad_(True)
    score = ckpt.checkpoint(net.features, x, use_reentrant=True).sum()
    score.backward()
    net.zero_grad()
    return x.grad


net = TwoStage()
opt = torch.optim.SGD(net.parameters(), lr=0.05)
s1_before = net.stage1[0].weight.detach().clone()
s2_before = net.stage2[0].weight.detach().clone()
x = torch.randn(10, 6)
y = torch.randn(10, 1)
for _ in range(3):
    opt.zero_grad()
    loss = nn.functional.mse_loss(net(x), y)
    loss.backward()
    opt.step()
sal = input_saliency(net, x[:2])
