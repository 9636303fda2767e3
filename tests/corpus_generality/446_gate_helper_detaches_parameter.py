import torch
from torch import nn
import torch.nn.functional as F


class GatedResidual(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.inner = nn.Linear(dim, dim)
        self.skip = nn.Linear(dim, dim)
        self.gate_logit = nn.Parameter(torch.zeros(dim))

    def _gate(self):
        return torch.sigmoid(self.gate_logit.detach())

    def forward(self, x, use_skip=True):
        h = F.gelu(self.inner(x))
        if use_skip:
            g = self._gate()
            return g * h + (1 - g) * self.skip(x)
        return self._gate() * h


torch.manual_seed(0)
block = GatedResidual(6)
opt = torch.optim.Adam(block.parameters(), lr=1e-2)
x = torch.randn(10, 6)
target = torch.randn(10, 6)
for step in range(3):
    opt.zero_grad()
    out = block(x, use_skip=step % 2 == 0)
    loss = F.mse_loss(out, target)
    loss.backward()
    opt.step()
