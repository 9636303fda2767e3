import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function

cfg = {"in_dim": 8, "feat": 12, "n_classes": 3, "steps": 3, "lr": 1e-2, "alpha": 0.5, "clip": 2.0}


class GradReverse(Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.neg() * ctx.alpha, None


class ClippedMul(Function):
    @staticmethod
    def forward(ctx, x, gate):
        ctx.save_for_backward(x, gate)
        return x * gate

    @staticmethod
    def backward(ctx, grad_output):
        x, gate = ctx.saved_tensors
        gx = gg = None
        if ctx.needs_input_grad[0]:
            gx = grad_output * gate
        if ctx.needs_input_grad[1]:
            gg = (grad_output * x).sum(0)
        # trailing Nones past the inputs are accepted by autograd
        return gx, gg, None


class SoftClamp(Function):
    @staticmethod
    def forward(x, limit):
        return limit * torch.tanh(x / limit)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, limit = inputs
        ctx.save_for_backward(x)
        ctx.limit = limit

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        t = torch.tanh(x / ctx.limit)
        return grad_output * (1 - t * t), None


class DANN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.features = nn.Linear(c["in_dim"], c["feat"])
        self.gate = nn.Parameter(torch.ones(c["feat"]))
        self.label_head = nn.Linear(c["feat"], c["n_classes"])
        self.domain_head = nn.Linear(c["feat"], 1)

    def forward(self, x, alpha):
        f = SoftClamp.apply(self.features(x), cfg["clip"])
        f = ClippedMul.apply(f, self.gate)
        return self.label_head(f), self.domain_head(GradReverse.apply(f, alpha)).squeeze(1)


def domain_batch(n_src=12, n_tgt=12):
    xs = torch.randn(n_src, cfg["in_dim"])
    xt = torch.randn(n_tgt, cfg["in_dim"]) + 0.5
    ys = torch.randint(0, cfg["n_classes"], (n_src,))
    dom = torch.cat([torch.zeros(n_src), torch.ones(n_tgt)])
    return xs, xt, ys, dom


def train(model, opt):
    log = []
    for step in range(cfg["steps"]):
        xs, xt, ys, dom = domain_batch()
        opt.zero_grad()
        logits, dom_logits = model(torch.cat([xs, xt]), cfg["alpha"])
        cls_loss = F.cross_entropy(logits[: xs.shape[0]], ys)
        dom_loss = F.binary_cross_entropy_with_logits(dom_logits, dom)
        loss = cls_loss + dom_loss
        loss.backward()
        opt.step()
        log.append(loss.item())
    return log


torch.manual_seed(0)
model = DANN(cfg)
opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
log = train(model, opt)
print(log, model.gate.grad.norm().item())
