import functools

import torch
import torch.nn as nn
import torch.nn.functional as F


def ignore_padding(loss_fn):
    """Decorator: drop the padded positions before the loss is used."""

    @functools.wraps(loss_fn)
    def wrapper(logits, labels, mask):
        per_token = loss_fn(logits, labels)
        return per_token[mask]

    return wrapper


@ignore_padding
def token_loss(logits, labels):
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), reduction="none").view_as(labels)


class Tagger(nn.Module):
    def __init__(self, vocab=30, dim=16, tags=5):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.rnn = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, tags)

    def forward(self, tokens):
        h, _ = self.rnn(self.emb(tokens))
        return self.out(h)


torch.manual_seed(0)
tokens = torch.randint(1, 30, (4, 7))
lengths = torch.tensor([7, 5, 3, 6])
mask = torch.arange(7)[None, :] < lengths[:, None]
labels = torch.randint(0, 5, (4, 7))
tagger = Tagger()
optimizer = torch.optim.Adam(tagger.parameters(), lr=3e-3)

for step in range(2):
    optimizer.zero_grad()
    logits = tagger(tokens)
    loss = token_loss(logits, labels, mask)
    loss.backward(retain_graph=False)
    optimizer.step()
