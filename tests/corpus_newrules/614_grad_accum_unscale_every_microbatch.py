import torch
from torch import nn
from torch.amp import GradScaler, autocast


class Cfg:
    vocab = 50
    emb = 16
    seq = 10
    micro_batch = 4
    accum_steps = 4
    updates = 2
    lr = 3e-4
    clip = 1.0


class BagOfWords(nn.Module):
    def __init__(self, vocab, emb):
        super().__init__()
        self.emb = nn.EmbeddingBag(vocab, emb, mode="mean")
        self.proj = nn.Linear(emb, emb)
        self.out = nn.Linear(emb, 1)

    def forward(self, tokens):
        h = torch.relu(self.proj(self.emb(tokens)))
        return self.out(h).squeeze(-1)


def micro_batches(cfg, n):
    for _ in range(n):
        tokens = torch.randint(0, cfg.vocab, (cfg.micro_batch, cfg.seq))
        target = (tokens.float().mean(dim=1) > cfg.vocab / 2).float()
        yield tokens, target


class Trainer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.model = BagOfWords(cfg.vocab, cfg.emb)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.scaler = GradScaler(device="cpu", init_scale=2.0 ** 10)
        self.loss_fn = nn.BCEWithLogitsLoss()

    def backward_micro(self, tokens, target):
        with autocast("cpu", dtype=torch.bfloat16):
            logits = self.model(tokens)
        loss = self.loss_fn(logits.float(), target) / self.cfg.accum_steps
        scaled_loss = self.scaler.scale(loss)
        scaled_loss.backward()
        self.scaler.unscale_(self.opt)
        nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.clip)
        return loss.item()

    def fit(self):
        cfg = self.cfg
        self.opt.zero_grad()
        running = 0.0
        total_micro = cfg.accum_steps * cfg.updates
        for i, (tokens, target) in enumerate(micro_batches(cfg, total_micro)):
            running += self.backward_micro(tokens, target)
            if (i + 1) % cfg.accum_steps == 0:
                self.scaler.step(self.opt)
                self.scaler.update()
                self.opt.zero_grad()
        return running

    @torch.no_grad()
    def evaluate(self, n=3):
        hits = 0.0
        for tokens, target in micro_batches(self.cfg, n):
            hits += ((self.model(tokens) > 0).float() == target).float().mean().item()
        return hits / n


torch.manual_seed(0)
trainer = Trainer(Cfg)
print(trainer.fit(), trainer.evaluate())
