"""Fine-tune only the top of a small MLP; the backbone is an nn.Sequential."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Settings:
    d_in = 12
    width = 24
    n_classes = 3
    lr = 1e-2
    steps = 5
    batch = 30
    freeze_first = True


class Net(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Linear(s.d_in, s.width),
            nn.ReLU(),
            nn.Linear(s.width, s.width),
            nn.ReLU(),
        )
        self.blocks = nn.ModuleList([nn.Linear(s.width, s.width) for _ in range(2)])
        self.head = nn.Linear(s.width, s.n_classes)

    def forward(self, x):
        h = self.backbone(x)
        for block in self.blocks:
            h = h + torch.tanh(block(h))
        classifier = getattr(self, "head")
        return classifier(h)


def freeze(model, settings):
    if settings.freeze_first:
        model.backbone[0].weight.requires_grad = False
        model.backbone[0].bias.requires_grad_(False)
    first_block = model.blocks[0]
    first_block.weight.requires_grad_(False)


def trainable(model):
    return [p for p in model.parameters() if p.requires_grad]


def make_data(s):
    x = torch.randn(s.batch, s.d_in)
    y = x[:, :3].argmax(dim=1)
    return x, y


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        preds = logits.argmax(dim=1).numpy()
    model.train()
    return float((preds == y.numpy()).mean())


torch.manual_seed(0)
settings = Settings()
model = Net(settings)
freeze(model, settings)
frozen_weight = model.backbone[0].weight
frozen_copy = frozen_weight.detach().clone()
block_weight = model.blocks[0].weight
head_weight = getattr(model, "head").weight
opt = torch.optim.AdamW(trainable(model), lr=settings.lr)
x, y = make_data(settings)
for step in range(settings.steps):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
head_grad = model.head.weight.grad
print("acc", evaluate(model, x, y), head_grad.norm().item())
