import torch
import torch.nn as nn

torch.manual_seed(0)
seq_len, dim = 6, 8
q_proj = nn.Linear(dim, dim)
k_proj = nn.Linear(dim, dim)
opt = torch.optim.SGD(list(q_proj.parameters()) + list(k_proj.parameters()), lr=0.1)

with torch.inference_mode():
    # causal mask and a fixed positional bias, built once "for speed"
    mask = torch.tril(torch.ones(seq_len, seq_len))
    pos_bias = torch.linspace(-1.0, 0.0, seq_len)

tokens = torch.randn(2, seq_len, dim)


def attention_weights(x):
    scores = q_proj(x) @ k_proj(x).transpose(1, 2) / dim ** 0.5
    scores = scores + pos_bias
    masked = scores * mask
    return masked.softmax(dim=-1)


opt.zero_grad()
attn = attention_weights(tokens)
loss = attn.var()
loss.backward()
opt.step()
