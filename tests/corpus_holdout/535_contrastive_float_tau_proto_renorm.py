import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

CFG = {
    "in_dim": 14,
    "emb_dim": 8,
    "n_prototypes": 6,
    "init_tau": 0.1,
    "min_tau": 0.01,
    "normalize_prototypes": True,
    "swav_weight": 0.5,
    "lr": 1e-2,
    "steps": 3,
}


class ContrastiveNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.encoder = nn.Sequential(nn.Linear(cfg["in_dim"], 32), nn.ReLU(), nn.Linear(32, 32))
        self.projector = nn.Linear(32, cfg["emb_dim"])
        self.log_tau = nn.Parameter(torch.tensor(math.log(cfg["init_tau"])))
        self.prototypes = nn.Linear(cfg["emb_dim"], cfg["n_prototypes"], bias=False)

    def embed(self, x):
        return F.normalize(self.projector(self.encoder(x)), dim=1)

    def forward(self, x1, x2):
        z1, z2 = self.embed(x1), self.embed(x2)
        tau = float(self.log_tau.exp())
        logits = z1 @ z2.t() / tau
        scores = self.prototypes(z1)
        if self.cfg["normalize_prototypes"]:
            w = self.prototypes.weight.data
            w.copy_(F.normalize(w, dim=1))
        with torch.no_grad():
            codes = F.softmax(self.prototypes(z2) / 0.05, dim=1)
        return logits, scores, codes


def info_nce(logits):
    labels = torch.arange(logits.size(0))
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))


def swapped_prediction(scores, codes, tau=0.1):
    return -(codes * F.log_softmax(scores / tau, dim=1)).sum(dim=1).mean()


def augment(x):
    return x + 0.1 * torch.randn_like(x)


def train_step(model, opt, x, cfg):
    logits, scores, codes = model(augment(x), augment(x))
    proto_norms = model.prototypes.weight.detach().norm(dim=1)
    loss = info_nce(logits) + cfg["swav_weight"] * swapped_prediction(scores, codes)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        model.log_tau.clamp_(min=math.log(cfg["min_tau"]))
    return loss.item(), proto_norms


model = ContrastiveNet(CFG)
opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])
tau_before = model.log_tau.detach().clone()
batch = torch.randn(10, CFG["in_dim"])
log = [train_step(model, opt, batch, CFG) for _ in range(CFG["steps"])]
