import torch
from torch import nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return self.norm(x + F.gelu(self.fc(x)))


def contrastive_loss(a, b, temperature=0.1):
    a = F.normalize(a, dim=-1)
    b = F.normalize(b, dim=-1)
    logits = a @ b.T / temperature
    labels = torch.arange(a.shape[0])
    return F.cross_entropy(logits, labels)


torch.manual_seed(0)
encoder = Block(8)
compiled = torch.compile(encoder, backend="eager")
opt = torch.optim.AdamW(encoder.parameters(), lr=1e-3)
x = torch.randn(6, 8)
for _ in range(2):
    view_a = x + 0.05 * torch.randn_like(x)
    view_b = x + 0.05 * torch.randn_like(x)
    za = compiled(view_a)
    zb = compiled(view_b)
    loss = contrastive_loss(za, zb)
    opt.zero_grad()
    loss.backward()
    opt.step()
