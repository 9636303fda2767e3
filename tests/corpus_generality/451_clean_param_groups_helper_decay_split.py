import torch
import torch.nn as nn
import torch.nn.functional as F


class TrainConfig:
    vocab = 40
    dim = 12
    classes = 4
    batch = 10
    seq_len = 6
    base_lr = 1e-3
    head_lr = 1e-2
    weight_decay = 0.05
    steps = 4
    freeze_embeddings = True


class Tagger(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab, cfg.dim)
        self.norm = nn.LayerNorm(cfg.dim)
        self.mixer = nn.Linear(cfg.dim, cfg.dim)
        self.head = nn.Linear(cfg.dim, cfg.classes)

    def forward(self, tokens):
        h = self.norm(self.embed(tokens))
        h = h + F.relu(self.mixer(h))
        return self.head(h.mean(dim=1))


def param_groups(model, cfg):
    decay, no_decay, head = [], [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        if name.startswith("head."):
            head.append(p)
        elif p.ndim == 1 or name.endswith(".bias"):
            no_decay.append(p)
        else:
            decay.append(p)
    return [
        {"params": decay, "weight_decay": cfg.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
        {"params": head, "lr": cfg.head_lr, "weight_decay": cfg.weight_decay},
    ]


def make_batch(cfg):
    tokens = torch.randint(0, cfg.vocab, (cfg.batch, cfg.seq_len))
    labels = tokens[:, 0] % cfg.classes
    return tokens, labels


def evaluate(model, cfg):
    tokens, labels = make_batch(cfg)
    with torch.no_grad():
        logits = model(tokens)
    return F.cross_entropy(logits, labels).item()


def train(model, cfg):
    if cfg.freeze_embeddings:
        model.embed.weight.requires_grad = False
    groups = param_groups(model, cfg)
    opt = torch.optim.AdamW(groups, lr=cfg.base_lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(cfg.steps):
        tokens, labels = make_batch(cfg)
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(tokens), labels)
        loss.backward()
        opt.step()
        sched.step()
    return opt


torch.manual_seed(0)
cfg = TrainConfig()
model = Tagger(cfg)
embed_before = model.embed.weight.detach().clone()
head_before = model.head.weight.detach().clone()
print("before", evaluate(model, cfg))
opt = train(model, cfg)
print("after", evaluate(model, cfg))
