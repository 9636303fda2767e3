import torch
from torch import nn
import torch.nn.functional as F

CFG = dict(
    vocab=50,
    emb_dim=16,
    hidden=24,
    num_labels=3,
    seq_len=9,
    batch=8,
    lr=1e-2,
    epochs=3,
)


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab, emb_dim, hidden, num_labels, dropout=0.1):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab, emb_dim, mode="mean")
        self.encoder = nn.Sequential(
            nn.Linear(emb_dim, hidden),
            nn.GELU(),
            nn.Dropout(dropout),
        )
        self.proj = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.classifier = nn.Linear(hidden, num_labels)

    def encode(self, tokens):
        pooled = self.embedding(tokens)
        return self.encoder(pooled)

    def forward(self, tokens):
        h = self.encode(tokens)
        # the projection step was removed when the LayerNorm was added
        h = self.norm(h)
        return self.classifier(h)


def synthetic_dataset(cfg, n_batches=2):
    batches = []
    for _ in range(n_batches):
        tokens = torch.randint(0, cfg["vocab"], (cfg["batch"], cfg["seq_len"]))
        labels = torch.randint(0, cfg["num_labels"], (cfg["batch"],))
        batches.append((tokens, labels))
    return batches


def train(model, batches, cfg):
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"])
    history = []
    for epoch in range(cfg["epochs"]):
        model.train()
        epoch_loss = 0.0
        for tokens, labels in batches:
            optimizer.zero_grad()
            logits = model(tokens)
            loss = F.cross_entropy(logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            epoch_loss += loss.item()
        history.append(epoch_loss / len(batches))
    return history


@torch.no_grad()
def accuracy(model, batches):
    model.eval()
    correct, total = 0, 0
    for tokens, labels in batches:
        preds = model(tokens).argmax(dim=-1)
        correct += (preds == labels).sum().item()
        total += labels.numel()
    return correct / total


torch.manual_seed(0)
data = synthetic_dataset(CFG)
model = BagOfEmbeddings(CFG["vocab"], CFG["emb_dim"], CFG["hidden"], CFG["num_labels"])
print("history", train(model, data, CFG))
print("accuracy", accuracy(model, data))
