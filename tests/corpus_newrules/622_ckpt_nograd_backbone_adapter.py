"""Linear-probe style fine-tuning: a frozen backbone runs under no_grad, a checkpointed adapter trains."""
import torch
import torch.utils.checkpoint
from torch import nn


class Config:
    in_dim = 20
    feat_dim = 32
    n_classes = 4
    lr = 0.05
    momentum = 0.9
    steps = 3
    batch = 16
    checkpoint_adapter = True


class Backbone(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(cfg.in_dim, cfg.feat_dim),
            nn.ReLU(),
            nn.Linear(cfg.feat_dim, cfg.feat_dim),
        )

    def forward(self, x):
        return self.net(x)


class ProbeModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.backbone = Backbone(cfg)
        self.adapter = nn.Sequential(nn.Linear(cfg.feat_dim, cfg.feat_dim), nn.Tanh())
        self.classifier = nn.Linear(cfg.feat_dim, cfg.n_classes)

    def extract(self, x):
        with torch.no_grad():
            feats = self.backbone(x)
        return feats

    def adapt(self, feats):
        if self.cfg.checkpoint_adapter:
            return feats + torch.utils.checkpoint.checkpoint(self.adapter, feats, use_reentrant=True)
        return feats + self.adapter(feats)

    def forward(self, x):
        feats = self.extract(x)
        adapted = self.adapt(feats)
        return self.classifier(adapted)


def synthetic_data(cfg, n):
    x = torch.randn(n, cfg.in_dim)
    y = (x[:, 0] > 0).long() + 2 * (x[:, 1] > 0).long()
    return x, y


def train(model, cfg, x, y):
    params = list(model.adapter.parameters()) + list(model.classifier.parameters())
    opt = torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for step in range(cfg.steps):
        idx = torch.arange(step * cfg.batch, (step + 1) * cfg.batch)
        opt.zero_grad()
        out = model(x[idx])
        loss = loss_fn(out, y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(1)
    return (pred == y).float().mean().item()


torch.manual_seed(0)
cfg = Config()
model = ProbeModel(cfg)
adapter_w0 = model.adapter[0].weight.detach().clone()
x_train, y_train = synthetic_data(cfg, cfg.steps * cfg.batch)
x_val, y_val = synthetic_data(cfg, 32)
losses = train(model, cfg, x_train, y_train)
val_acc = accuracy(model, x_val, y_val)
