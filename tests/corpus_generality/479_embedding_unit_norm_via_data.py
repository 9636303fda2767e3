import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

SETTINGS = {
    "vocab": 20,
    "dim": 8,
    "pairs": 32,
    "steps": 3,
    "lr": 0.5,
    "max_norm": 2.0,
}


class PairScorer(nn.Module):
    def __init__(self, vocab, dim, normalize_in_place=True):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.normalize_in_place = normalize_in_place
        self.log_scale = nn.Parameter(torch.tensor(1.0))

    def encode(self, idx):
        emb = self.embed(idx)
        if self.normalize_in_place:
            norms = emb.data.norm(dim=-1, keepdim=True)
            emb.data.div_(norms)
        else:
            emb = F.normalize(emb, dim=-1)
        return emb

    def forward(self, left, right):
        u = self.encode(left)
        v = self.encode(right)
        return (u * v).sum(dim=-1) * self.log_scale.exp()

    @torch.no_grad()
    def renormalize_table(self, max_norm):
        self.embed.weight.data.renorm_(2, 0, max_norm)


def make_pairs(cfg):
    left = torch.randint(0, cfg["vocab"], (cfg["pairs"],))
    right = torch.randint(0, cfg["vocab"], (cfg["pairs"],))
    labels = ((left % 2) == (right % 2)).float()
    return left, right, labels


def train(model, cfg, left, right, labels):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    first = {}
    for step in range(cfg["steps"]):
        logits = model(left, right)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        opt.zero_grad()
        loss.backward()
        if step == 0:
            first["loss"] = loss.item()
            first["grad"] = model.embed.weight.grad.clone()
        opt.step()
        model.renormalize_table(cfg["max_norm"])
    return first


def reference(state, cfg, left, right, labels):
    ref = PairScorer(cfg["vocab"], cfg["dim"], normalize_in_place=False)
    ref.load_state_dict(state)
    ref_loss = F.binary_cross_entropy_with_logits(ref(left, right), labels)
    ref_loss.backward()
    return ref_loss.item(), ref.embed.weight.grad


torch.manual_seed(0)
left, right, labels = make_pairs(SETTINGS)
model = PairScorer(SETTINGS["vocab"], SETTINGS["dim"])
start_state = copy.deepcopy(model.state_dict())
first = train(model, SETTINGS, left, right, labels)
ref_loss, ref_grad = reference(start_state, SETTINGS, left, right, labels)
print(first["loss"], ref_loss, (first["grad"] - ref_grad).abs().max().item())
