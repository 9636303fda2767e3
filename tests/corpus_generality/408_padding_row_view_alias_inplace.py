"""Bag-of-embeddings text classifier; the padding row is re-zeroed after every update."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CFG = dict(vocab=30, dim=8, n_classes=4, pad_idx=0, seq_len=7, batch=24, lr=0.2, epochs=3)


class TextEncoder(nn.Module):
    def __init__(self, vocab, dim, pad_idx):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.pad_idx = pad_idx

    def forward(self, tokens):
        vecs = self.embed(tokens)
        mask = (tokens != self.pad_idx).unsqueeze(-1).float()
        summed = (vecs * mask).sum(dim=1)
        return summed / mask.sum(dim=1).clamp(min=1.0)


class Classifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = TextEncoder(cfg["vocab"], cfg["dim"], cfg["pad_idx"])
        self.head = nn.Linear(cfg["dim"], cfg["n_classes"])

    def forward(self, tokens):
        return self.head(self.encoder(tokens))


def reset_padding(model, pad_idx):
    table = model.encoder.embed.weight
    pad_row = table[pad_idx]
    pad_row.zero_()


def make_batch(cfg):
    tokens = torch.randint(1, cfg["vocab"], (cfg["batch"], cfg["seq_len"]))
    tokens[:, -2:] = cfg["pad_idx"]
    labels = tokens[:, 0] % cfg["n_classes"]
    return tokens, labels


def evaluate(model, tokens, labels):
    model.eval()
    with torch.no_grad():
        logits = model(tokens)
        acc = (logits.argmax(-1) == labels).float().mean().item()
    model.train()
    return acc


def main(cfg):
    torch.manual_seed(0)
    model = Classifier(cfg)
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    tokens, labels = make_batch(cfg)
    val_tokens, val_labels = make_batch(cfg)
    print("before", evaluate(model, val_tokens, val_labels))
    for epoch in range(cfg["epochs"]):
        logits = model(tokens)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        reset_padding(model, cfg["pad_idx"])
        print(epoch, loss.item())
    print("after", evaluate(model, val_tokens, val_labels))


if __name__ == "__main__":
    main(CFG)
