import torch
import torch.nn as nn
import torch.nn.functional as F


class LegacyLinear(nn.Module):
    """Old checkpoints called the parameters W and b; keep the torch names only."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.W = nn.Parameter(torch.randn(n_out, n_in) * 0.1)
        self.b = nn.Parameter(torch.zeros(n_out))
        self.weight = self.W
        self.bias = self.b
        del self.W
        del self.b

    def forward(self, x):
        w = self.weight
        return F.linear(x, w, self.bias)


class TiedProjector(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim, bias=False)
        self.tied = self.proj.weight
        self.body = LegacyLinear(dim, dim)

    def forward(self, x):
        h = torch.tanh(self.body(x))
        return F.linear(h, self.tied)


torch.manual_seed(0)
model = TiedProjector(5)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
x = torch.randn(10, 5)
target = torch.randn(10, 5)
for _ in range(3):
    out = model(x)
    loss = F.mse_loss(out, target)
    opt.zero_grad()
    loss.backward()
    opt.step()
names = sorted(dict(model.named_parameters()))
print(names)
