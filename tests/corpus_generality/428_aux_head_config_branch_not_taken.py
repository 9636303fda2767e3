import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "in_dim": 12,
    "hidden": 20,
    "num_classes": 5,
    "use_aux_head": False,
    "aux_weight": 0.3,
    "lr": 0.01,
    "steps": 4,
}


class Backbone(nn.Module):
    def __init__(self, in_dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(in_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)

    def forward(self, x):
        return F.relu(self.fc2(F.relu(self.fc1(x))))


class DeepSupervisedNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.backbone = Backbone(cfg["in_dim"], cfg["hidden"])
        self.main_head = nn.Linear(cfg["hidden"], cfg["num_classes"])
        self.aux_head = nn.Linear(cfg["hidden"], cfg["num_classes"])

    def forward(self, x):
        feats = self.backbone(x)
        out = {"main": self.main_head(feats)}
        if self.cfg["use_aux_head"]:
            out["aux"] = self.aux_head(feats)
        return out


def compute_loss(outputs, target, cfg):
    loss = F.cross_entropy(outputs["main"], target)
    if "aux" in outputs:
        loss = loss + cfg["aux_weight"] * F.cross_entropy(outputs["aux"], target)
    return loss


def train(model, x, y, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    for step in range(cfg["steps"]):
        opt.zero_grad()
        outputs = model(x)
        loss = compute_loss(outputs, y, cfg)
        loss.backward()
        opt.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, x, y):
    logits = model(x)["main"]
    return (logits.argmax(1) == y).float().mean().item()


torch.manual_seed(0)
x = torch.randn(16, CONFIG["in_dim"])
y = torch.randint(0, CONFIG["num_classes"], (16,))
model = DeepSupervisedNet(CONFIG)
print("loss", train(model, x, y, CONFIG))
print("acc", evaluate(model, x, y))
