import torch
from torch import nn


class AttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.query = nn.Parameter(torch.randn(dim) * 0.02)
        self.value = nn.Linear(dim, dim)

    def scores(self, x):
        return x @ self.query

    def forward(self, x):
        weights = torch.softmax(self.scores(x), dim=1)
        return (weights.unsqueeze(-1) * self.value(x)).sum(dim=1)


class TemperedAttentionPool(AttentionPool):
    """Overrides only the scoring hook; the base forward still uses query and value."""

    def __init__(self, dim):
        super().__init__(dim)
        self.log_temp = nn.Parameter(torch.zeros(()))

    def scores(self, x):
        base = super().scores(x)
        return base / self.log_temp.exp()


class Classifier(nn.Module):
    def __init__(self, dim, n_cls):
        super().__init__()
        self.pool = TemperedAttentionPool(dim)
        self.out = nn.Linear(dim, n_cls)

    def forward(self, x):
        return self.out(self.pool(x))


torch.manual_seed(0)
clf = Classifier(6, 3)
opt = torch.optim.SGD(clf.parameters(), lr=0.1)
seq = torch.randn(4, 7, 6)
lbl = torch.tensor([0, 2, 1, 0])
for _ in range(3):
    opt.zero_grad()
    loss = nn.functional.cross_entropy(clf(seq), lbl)
    loss.backward()
    opt.step()
temp = clf.pool.log_temp.exp()
