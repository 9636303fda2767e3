"""Small CNN on random 8x8 images; per-layer gradient statistics collected with module hooks."""
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {"channels": 4, "classes": 3, "batch": 8, "steps": 3, "lr": 0.05, "log_grads": True}


class SmallCNN(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(channels * 4, classes)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = self.pool(x).flatten(1)
        return self.fc(x)


def make_hook(name, stats):
    def hook(module, grad_input, grad_output):
        stats[name].append(grad_output[0].norm().item())

    return hook


def install_grad_stats(model, stats):
    handles = []
    for idx, module in enumerate(model.modules()):
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            name = f"{idx}:{type(module).__name__}"
            handles.append(module.register_backward_hook(make_hook(name, stats)))
    return handles


def synthetic_images(cfg):
    images = torch.randn(cfg["batch"], 1, 8, 8)
    labels = torch.randint(0, cfg["classes"], (cfg["batch"],))
    return images, labels


def train(model, optimizer, images, labels, steps):
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
    return loss.item()


def predict(model, images):
    model.eval()
    with torch.no_grad():
        return model(images).argmax(dim=1)


torch.manual_seed(0)
model = SmallCNN(CONFIG["channels"], CONFIG["classes"])
optimizer = torch.optim.SGD(model.parameters(), lr=CONFIG["lr"], momentum=0.9)
grad_stats = defaultdict(list)
handles = install_grad_stats(model, grad_stats) if CONFIG["log_grads"] else []
images, labels = synthetic_images(CONFIG)
final_loss = train(model, optimizer, images, labels, CONFIG["steps"])
preds = predict(model, images)
for h in handles:
    h.remove()
