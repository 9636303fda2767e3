import torch
import torch.nn as nn
import torch.nn.functional as F

SETTINGS = {"in_dim": 5, "hidden": 12, "classes": 3, "lr": 0.05, "epochs": 3}


class Scorer(nn.Module):
    def __init__(self, in_dim, hidden, classes):
        super().__init__()
        self.layer1 = nn.Linear(in_dim, hidden)
        self.layer2 = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.layer2(torch.relu(self.layer1(x)))


def input_saliency(model, x, target):
    """|d score / d input|; needs autograd even when called from evaluation."""
    with torch.enable_grad():
        x_in = x.clone().requires_grad_(True)
        score = model(x_in).gather(1, target.unsqueeze(1)).sum()
        score.backward()
    saliency = x_in.grad.abs()
    return saliency.numpy()


@torch.no_grad()
def evaluate(model, x, y):
    model.eval()
    logits = model(x)
    acc = (logits.argmax(1) == y).float().mean().item()
    sal = input_saliency(model, x, y)
    model.zero_grad(set_to_none=True)
    return acc, sal.mean(axis=0)


def train(model, x, y, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    for epoch in range(cfg["epochs"]):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        acc, sal = evaluate(model, x, y)
        print(epoch, round(loss.item(), 4), acc, sal.round(3))


torch.manual_seed(0)
x = torch.randn(15, SETTINGS["in_dim"])
y = torch.randint(0, SETTINGS["classes"], (15,))
model = Scorer(SETTINGS["in_dim"], SETTINGS["hidden"], SETTINGS["classes"])
train(model, x, y, SETTINGS)
final_acc, final_sal = evaluate(model, x, y)
