import torch
import torch.nn as nn
import torch.nn.functional as F

SETTINGS = dict(dim=12, emb=8, classes=4, n=40, steps=3, lr=5e-3, temperature=0.5)


class Encoder(nn.Module):
    def __init__(self, dim, emb):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, 16), nn.ReLU(), nn.Linear(16, emb))

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1)


class PrototypeBank:
    """Class centroids of the current encoder, recomputed every few steps."""

    def __init__(self, classes):
        self.classes = classes
        self.cache = {}

    @torch.inference_mode()
    def refresh(self, encoder, x, y):
        z = encoder(x)
        centroids = torch.stack([z[y == k].mean(0) for k in range(self.classes)])
        self.cache["centroids"] = F.normalize(centroids, dim=-1)
        self.cache["offset"] = -z.mean(0)

    def get(self, key):
        return self.cache[key]


def prototype_logits(z, bank, temperature):
    z = z + bank.get("offset")
    protos = bank.get("centroids")
    return z @ protos.t() / temperature


def train(encoder, bank, data, s):
    x, y = data
    opt = torch.optim.Adam(encoder.parameters(), lr=s["lr"])
    for step in range(s["steps"]):
        if step % 2 == 0:
            bank.refresh(encoder, x, y)
        opt.zero_grad()
        z = encoder(x)
        logits = prototype_logits(z, bank, s["temperature"])
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()


@torch.no_grad()
def evaluate(encoder, bank, data, s):
    x, y = data
    logits = prototype_logits(encoder(x), bank, s["temperature"])
    return (logits.argmax(1) == y).float().mean().item()


torch.manual_seed(0)
x = torch.randn(SETTINGS["n"], SETTINGS["dim"])
y = torch.arange(SETTINGS["n"]) % SETTINGS["classes"]
encoder = Encoder(SETTINGS["dim"], SETTINGS["emb"])
bank = PrototypeBank(SETTINGS["classes"])
train(encoder, bank, (x, y), SETTINGS)
print(evaluate(encoder, bank, (x, y), SETTINGS))
