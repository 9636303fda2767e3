from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class ModelConfig:
    dim: int = 8
    use_gate: bool = True
    use_residual: bool = True


class GatedFFN(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.up = nn.Linear(cfg.dim, 2 * cfg.dim)
        self.down = nn.Linear(2 * cfg.dim, cfg.dim)
        if cfg.use_gate:
            self.gate = nn.Linear(cfg.dim, 2 * cfg.dim)

    def forward(self, x):
        h = torch.relu(self.up(x))
        if self.cfg.use_gate:
            h = h * torch.sigmoid(self.gate(x))
        out = self.down(h)
        if self.cfg.use_residual:
            out = out + x
        return out


torch.manual_seed(0)
cfg = ModelConfig()
ffn = GatedFFN(cfg)
opt = torch.optim.RMSprop(ffn.parameters(), lr=1e-3)
inputs = torch.randn(5, cfg.dim)
targets = torch.zeros(5, cfg.dim)
for _ in range(2):
    opt.zero_grad()
    err = ffn(inputs) - targets
    loss = err.square().mean()
    loss.backward()
    opt.step()
