import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNormFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, eps):
        rms = torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
        ctx.save_for_backward(x, weight, rms)
        return x * rms * weight

    @staticmethod
    def backward(ctx, grad_out):
        x, weight, rms = ctx.saved_tensors
        grads = []
        gw = grad_out * weight
        dim = x.shape[-1]
        grad_x = rms * gw - x * rms.pow(3) * (gw * x).sum(-1, keepdim=True) / dim
        grads.append(grad_x)
        grads.append((grad_out * x * rms).reshape(-1, dim).sum(0))
        grads.append(None)  # eps is a float
        return grads


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return RMSNormFn.apply(x, self.weight, self.eps)


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.norm = RMSNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 2 * dim), nn.SiLU(), nn.Linear(2 * dim, dim))

    def forward(self, x):
        return x + self.ff(self.norm(x))


class TinyLM(nn.Module):
    def __init__(self, vocab=20, dim=8, depth=2):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([Block(dim) for _ in range(depth)])
        self.out = nn.Linear(dim, vocab)

    def forward(self, tokens):
        h = self.emb(tokens)
        for block in self.blocks:
            h = block(h)
        return self.out(h)


def lm_step(model, opt, tokens):
    opt.zero_grad()
    logits = model(tokens[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
    loss.backward()
    opt.step()
    return loss.item()


torch.manual_seed(0)
model = TinyLM()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
data = torch.randint(0, 20, (4, 9))
history = [lm_step(model, opt, data) for _ in range(2)]
