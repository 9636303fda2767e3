import torch
from torch import nn


class Cfg:
    lr = 1e-3
    head_lr_mult = 10.0


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.backbone = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
        self.head = nn.Linear(16, 2)

    def forward(self, x):
        return self.head(self.backbone(x))

    def backbone_params(self):
        yield from self.backbone.parameters()

    def head_params(self):
        for p in self.head.parameters():
            yield p * self.cfg.head_lr_mult


def build_optimizer(model, cfg):
    groups = [
        {"params": list(model.backbone_params())},
        {"params": list(model.head_params())},
    ]
    return torch.optim.SGD(groups, lr=cfg.lr, momentum=0.9)


torch.manual_seed(0)
cfg = Cfg()
model = Net(cfg)
x = torch.randn(4, 8)
y = torch.tensor([0, 1, 1, 0])
loss = nn.functional.cross_entropy(model(x), y)
opt = build_optimizer(model, cfg)
opt.zero_grad()
loss.backward()
opt.step()
