import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

PEFT = {
    "vocab": 50,
    "d_model": 16,
    "n_prompt": 4,
    "rank": 2,
    "alpha": 4,
    "num_labels": 2,
    "lr": 1e-2,
    "steps": 4,
}


class LoRALinear(nn.Module):
    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.scaling = alpha / rank

    def forward(self, x):
        delta = self.lora_B @ self.lora_A
        merged = nn.Parameter(self.base.weight + self.scaling * delta)
        return F.linear(x, merged, self.base.bias)


class PromptTunedEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.embed = nn.Embedding(cfg["vocab"], d)
        self.prompt = nn.init.normal_(torch.empty(cfg["n_prompt"], d), std=0.02)
        self.proj = LoRALinear(nn.Linear(d, d), cfg["rank"], cfg["alpha"])
        self.classifier = nn.Linear(d, cfg["num_labels"])

    def forward(self, tokens):
        h = self.embed(tokens)
        prompt = self.prompt.unsqueeze(0).expand(h.size(0), -1, -1)
        h = torch.cat([prompt, h], dim=1)
        h = torch.tanh(self.proj(h))
        return self.classifier(h.mean(dim=1))


def mark_only_peft_trainable(model):
    for name, p in model.named_parameters():
        p.requires_grad = ("lora_" in name) or name.startswith("classifier")


def trainable_parameters(model):
    return [p for p in model.parameters() if p.requires_grad]


def run(cfg):
    model = PromptTunedEncoder(cfg)
    mark_only_peft_trainable(model)
    opt = torch.optim.Adam(trainable_parameters(model), lr=cfg["lr"])
    tokens = torch.randint(0, cfg["vocab"], (6, 7))
    labels = torch.randint(0, cfg["num_labels"], (6,))
    for _ in range(cfg["steps"]):
        opt.zero_grad()
        loss = F.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
    return model, loss.item()


model, final_loss = run(PEFT)
