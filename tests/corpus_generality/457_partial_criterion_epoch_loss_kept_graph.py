import functools

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    in_dim = 7
    classes = 3
    hidden = 14
    lr = 0.05
    epochs = 2
    batches_per_epoch = 4
    batch = 12
    criterion = "focal"
    gamma = 2.0


def focal_loss(logits, target, gamma=2.0):
    logp = F.log_softmax(logits, dim=-1).gather(1, target[:, None]).squeeze(1)
    return (-(1 - logp.exp()) ** gamma * logp).mean()


CRITERIA = {
    "ce": lambda cfg: nn.CrossEntropyLoss(),
    "focal": lambda cfg: functools.partial(focal_loss, gamma=cfg.gamma),
}


def make_criterion(cfg):
    return CRITERIA[cfg.criterion](cfg)


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = nn.Linear(cfg.in_dim, cfg.hidden)
        self.fc2 = nn.Linear(cfg.hidden, cfg.classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def batches(cfg):
    for _ in range(cfg.batches_per_epoch):
        x = torch.randn(cfg.batch, cfg.in_dim)
        y = torch.randint(0, cfg.classes, (cfg.batch,))
        yield x, y


def train_epoch(model, opt, criterion, cfg):
    epoch_loss = 0.0
    for x, y in batches(cfg):
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        epoch_loss += loss
    return epoch_loss / cfg.batches_per_epoch


def evaluate(model, criterion, cfg):
    model.eval()
    with torch.no_grad():
        scores = [criterion(model(x), y).item() for x, y in batches(cfg)]
    model.train()
    return sum(scores) / len(scores)


torch.manual_seed(0)
cfg = Config()
model = Classifier(cfg)
criterion = make_criterion(cfg)
opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=0.9)
for epoch in range(cfg.epochs):
    mean_loss = train_epoch(model, opt, criterion, cfg)
    print(epoch, mean_loss.item(), evaluate(model, criterion, cfg))
