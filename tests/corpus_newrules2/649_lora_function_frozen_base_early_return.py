import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoRAConfig:
    rank = 2
    alpha = 4.0
    lr = 5e-3
    steps = 3
    in_dim = 12
    hidden = 16
    classes = 3


class LoRAMatmul(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, lora_a, lora_b, scaling):
        ctx.save_for_backward(x, weight, lora_a, lora_b)
        ctx.scaling = scaling
        return x @ weight.t() + scaling * (x @ lora_a.t()) @ lora_b.t()

    @staticmethod
    def backward(ctx, grad_out):
        x, weight, lora_a, lora_b = ctx.saved_tensors
        s = ctx.scaling
        grad_x = grad_out @ (weight + s * lora_b @ lora_a)
        grad_a = s * (grad_out @ lora_b).t() @ x
        grad_b = s * grad_out.t() @ (x @ lora_a.t())
        if not ctx.needs_input_grad[1]:
            # base weight is frozen during fine-tuning: skip its (large) gradient
            return grad_x, grad_a, grad_b, None
        grad_w = grad_out.t() @ x
        return grad_x, grad_w, grad_a, grad_b, None


lora_matmul = LoRAMatmul.apply


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank, alpha):
        super().__init__()
        self.weight = nn.Parameter(base.weight.detach().clone(), requires_grad=False)
        self.bias = nn.Parameter(base.bias.detach().clone(), requires_grad=False)
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scaling = alpha / rank

    def forward(self, x):
        return lora_matmul(x, self.weight, self.lora_a, self.lora_b, self.scaling) + self.bias


class Classifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1 = nn.Linear(c.in_dim, c.hidden)
        self.fc2 = nn.Linear(c.hidden, c.classes)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def add_lora(model, c):
    model.fc1 = LoRALinear(model.fc1, c.rank, c.alpha)
    model.fc2 = LoRALinear(model.fc2, c.rank, c.alpha)
    return model


def finetune(model, x, y, c):
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=c.lr)
    for _ in range(c.steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


torch.manual_seed(0)
cfg = LoRAConfig()
model = add_lora(Classifier(cfg), cfg)
x = torch.randn(20, cfg.in_dim)
y = torch.randint(0, cfg.classes, (20,))
final = finetune(model, x, y, cfg)
