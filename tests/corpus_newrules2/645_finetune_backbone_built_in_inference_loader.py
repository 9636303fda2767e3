import torch
from torch import nn
import torch.nn.functional as F


class FinetuneConfig:
    in_dim = 16
    width = 32
    num_classes = 3
    lr = 1e-3
    epochs = 2
    batch_size = 8


class Backbone(nn.Module):
    def __init__(self, in_dim, width):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, width)
        self.fc2 = nn.Linear(width, width)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        return F.relu(self.fc2(h))


class FineTuneModel(nn.Module):
    def __init__(self, backbone, width, num_classes):
        super().__init__()
        self.backbone = backbone
        self.classifier = nn.Linear(width, num_classes)

    def forward(self, x):
        return self.classifier(self.backbone(x))


def fake_checkpoint(in_dim, width):
    g = torch.Generator().manual_seed(123)
    return {
        "fc1.weight": torch.randn(width, in_dim, generator=g) * 0.1,
        "fc1.bias": torch.zeros(width),
        "fc2.weight": torch.randn(width, width, generator=g) * 0.1,
        "fc2.bias": torch.zeros(width),
    }


@torch.inference_mode()
def load_pretrained(cfg):
    """Build the backbone and load weights; inference_mode 'to save memory while loading'."""
    backbone = Backbone(cfg.in_dim, cfg.width)
    backbone.load_state_dict(fake_checkpoint(cfg.in_dim, cfg.width))
    sanity = backbone(torch.zeros(1, cfg.in_dim))
    assert sanity.shape == (1, cfg.width)
    return backbone


def make_loader(cfg, n=32):
    x = torch.randn(n, cfg.in_dim)
    y = torch.randint(0, cfg.num_classes, (n,))
    return [(x[i : i + cfg.batch_size], y[i : i + cfg.batch_size]) for i in range(0, n, cfg.batch_size)]


def finetune(model, loader, cfg):
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for _ in range(cfg.epochs):
        for xb, yb in loader:
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            opt.step()
    return model


def accuracy(model, loader):
    correct = total = 0
    with torch.no_grad():
        for xb, yb in loader:
            correct += (model(xb).argmax(-1) == yb).sum().item()
            total += yb.numel()
    return correct / total


torch.manual_seed(0)
cfg = FinetuneConfig()
backbone = load_pretrained(cfg)
model = FineTuneModel(backbone, cfg.width, cfg.num_classes)
loader = make_loader(cfg)
finetune(model, loader, cfg)
print(accuracy(model, loader))
