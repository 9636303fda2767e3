"""Fine-tune a 'pretrained' MLP classifier on a new label set."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

CFG = dict(
    in_features=12,
    hidden=32,
    pretrain_classes=10,
    num_classes=4,
    lr=0.1,
    momentum=0.9,
    epochs=3,
    batch_size=16,
)


class Classifier(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
        )
        self.fc = nn.Linear(hidden, num_classes)

    def forward(self, x):
        return self.fc(self.features(x))


def load_pretrained(cfg):
    model = Classifier(cfg["in_features"], cfg["hidden"], cfg["pretrain_classes"])
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(0.5)
    return model


def build_optimizer(model, cfg):
    return torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])


def adapt_to_task(model, num_classes):
    """Swap the pretrained classifier for a head sized for the new task."""
    in_dim = model.fc.in_features
    model.fc = nn.Linear(in_dim, num_classes)
    return model


def make_dataset(cfg, n):
    x = torch.randn(n, cfg["in_features"])
    y = torch.randint(0, cfg["num_classes"], (n,))
    return x, y


def run_epoch(model, optimizer, x, y, batch_size):
    model.train()
    total = 0.0
    for start in range(0, x.shape[0], batch_size):
        xb = x[start:start + batch_size]
        yb = y[start:start + batch_size]
        optimizer.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    pred = model(x).argmax(dim=1)
    return (pred == y).float().mean().item()


model = load_pretrained(CFG)
optimizer = build_optimizer(model, CFG)
model = adapt_to_task(model, CFG["num_classes"])
head_w0 = model.fc.weight.detach().clone()
body_w0 = model.features[0].weight.detach().clone()

x_train, y_train = make_dataset(CFG, 48)
x_val, y_val = make_dataset(CFG, 32)
for epoch in range(CFG["epochs"]):
    epoch_loss = run_epoch(model, optimizer, x_train, y_train, CFG["batch_size"])
val_acc = evaluate(model, x_val, y_val)
optimized = {id(p) for group in optimizer.param_groups for p in group["params"]}
