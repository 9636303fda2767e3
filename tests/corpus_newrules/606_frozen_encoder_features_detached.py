import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    raw_dim = 32
    feat_dim = 12
    n_classes = 3
    n_samples = 48
    batch = 16
    epochs = 2
    lr = 1e-2


class FrozenEncoder(nn.Module):
    """Stands in for a pretrained backbone that is never trained here."""

    def __init__(self, raw_dim, feat_dim):
        super().__init__()
        self.proj = nn.Linear(raw_dim, feat_dim)
        self.norm = nn.LayerNorm(feat_dim)

    def forward(self, x):
        return self.norm(torch.tanh(self.proj(x)))


class ProbeHead(nn.Module):
    def __init__(self, feat_dim, n_classes):
        super().__init__()
        self.fc1 = nn.Linear(feat_dim, feat_dim)
        self.fc2 = nn.Linear(feat_dim, n_classes)

    def forward(self, feats):
        h = F.relu(self.fc1(feats))
        return self.fc2(h)


def extract_features(encoder, raw):
    encoder.eval()
    with torch.inference_mode():
        feats = encoder(raw)
        feats = (feats - feats.mean(0)) / (feats.std(0) + 1e-5)
    # "make sure no graph is attached" before the head sees them
    return feats.detach()


def run_epoch(head, opt, feats, labels, cfg):
    total = 0.0
    for lo in range(0, feats.shape[0], cfg.batch):
        fb = feats[lo:lo + cfg.batch]
        yb = labels[lo:lo + cfg.batch]
        opt.zero_grad()
        logits = head(fb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        total += loss.item()
    return total


def accuracy(head, feats, labels):
    with torch.no_grad():
        return (head(feats).argmax(1) == labels).float().mean().item()


def main(cfg=Config):
    torch.manual_seed(0)
    raw = torch.randn(cfg.n_samples, cfg.raw_dim)
    labels = torch.randint(0, cfg.n_classes, (cfg.n_samples,))
    encoder = FrozenEncoder(cfg.raw_dim, cfg.feat_dim)
    feats = extract_features(encoder, raw)
    head = ProbeHead(cfg.feat_dim, cfg.n_classes)
    opt = torch.optim.SGD(head.parameters(), lr=cfg.lr, momentum=0.9)
    for epoch in range(cfg.epochs):
        total = run_epoch(head, opt, feats, labels, cfg)
        print(epoch, total, accuracy(head, feats, labels))


main()
