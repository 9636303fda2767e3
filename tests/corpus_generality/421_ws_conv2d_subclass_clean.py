import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "channels": 8,
    "num_classes": 4,
    "lr": 0.05,
    "steps": 4,
    "batch": 6,
    "eps": 1e-5,
}


class WSConv2d(nn.Conv2d):
    """Conv2d with weight standardization; reuses the inherited weight and bias."""

    def __init__(self, in_ch, out_ch, kernel_size, eps=1e-5, **kwargs):
        super().__init__(in_ch, out_ch, kernel_size, **kwargs)
        self.eps = eps

    def standardized_weight(self):
        w = self.weight
        mean = w.mean(dim=(1, 2, 3), keepdim=True)
        var = w.var(dim=(1, 2, 3), keepdim=True, unbiased=False)
        return (w - mean) / torch.sqrt(var + self.eps)

    def forward(self, x):
        w_hat = self.standardized_weight()
        return F.conv2d(x, w_hat, self.bias, self.stride, self.padding, self.dilation, self.groups)


class SmallNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c = cfg["channels"]
        self.conv1 = WSConv2d(3, c, 3, eps=cfg["eps"], padding=1)
        self.gn1 = nn.GroupNorm(2, c)
        self.conv2 = WSConv2d(c, c, 3, eps=cfg["eps"], padding=1, bias=False)
        self.gn2 = nn.GroupNorm(2, c)
        self.head = nn.Linear(c, cfg["num_classes"])

    def forward(self, x):
        h = F.relu(self.gn1(self.conv1(x)))
        h = F.relu(self.gn2(self.conv2(h)))
        pooled = h.mean(dim=(2, 3))
        return self.head(pooled)


def make_data(cfg):
    images = torch.randn(cfg["batch"], 3, 8, 8)
    labels = torch.randint(0, cfg["num_classes"], (cfg["batch"],))
    return images, labels


def train(model, images, labels, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    for step in range(cfg["steps"]):
        opt.zero_grad()
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")


@torch.no_grad()
def evaluate(model, images, labels):
    logits = model(images)
    acc = (logits.argmax(dim=1) == labels).float().mean()
    return acc.item()


torch.manual_seed(0)
model = SmallNet(CONFIG)
images, labels = make_data(CONFIG)
train(model, images, labels, CONFIG)
print("acc", evaluate(model, images, labels))
w_check = model.conv1.standardized_weight()
