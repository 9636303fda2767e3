import torch
from torch import nn
import torch.utils.checkpoint as cp

torch.manual_seed(0)

backbone = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 32))
adapter = nn.Sequential(nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 32))
classifier = nn.Linear(32, 3)
params = list(adapter.parameters()) + list(classifier.parameters())
optimizer = torch.optim.SGD(params, lr=0.1)


def extract_features(x):
    # the backbone is a frozen teacher: no graph is needed for it
    with torch.no_grad():
        feats = backbone(x)
    return feats


def run_adapter(feats):
    # save memory on the adapter by recomputing it in backward
    return cp.checkpoint(adapter, feats)


def step(x, y):
    optimizer.zero_grad()
    feats = extract_features(x)
    hidden = run_adapter(feats)
    logits = classifier(hidden)
    loss = nn.functional.cross_entropy(logits, y)
    loss.backward()
    optimizer.step()
    return loss.item()


x = torch.randn(16, 10)
y = torch.randint(0, 3, (16,))
adapter_before = adapter[0].weight.detach().clone()
history = [step(x, y) for _ in range(3)]
