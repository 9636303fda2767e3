import torch
from torch import nn


class CausalSelfAttention(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.mask = torch.tril(torch.ones(n, n))

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        att = q @ k.transpose(-2, -1) / k.shape[-1] ** 0.5
        att = att.masked_fill(self.mask[: x.shape[1], : x.shape[1]] == 0, float("-inf"))
        return att.softmax(dim=-1) @ v


attn = CausalSelfAttention(4, 8)
y = attn(torch.randn(2, 5, 4))
y.sum().backward()
