import torch
from torch import nn

PAD = 0


class BagClassifier(nn.Module):
    def __init__(self, vocab, dim, n_classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim)
        self.fc = nn.Linear(dim, n_classes)

    def forward(self, tokens):
        vectors = self.emb(tokens).mean(dim=1)
        return self.fc(vectors)


def decoupled_decay(model, rate):
    for p in model.parameters():
        buf = p.data
        buf.mul_(1.0 - rate)


def clear_padding_row(model):
    with torch.no_grad():
        row = model.emb.weight[PAD]
        row.zero_()


torch.manual_seed(0)
model = BagClassifier(vocab=20, dim=8, n_classes=3)
clear_padding_row(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
tokens = torch.randint(0, 20, (16, 5))
labels = torch.randint(0, 3, (16,))
for step in range(4):
    logits = model(tokens)
    loss = nn.functional.cross_entropy(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    decoupled_decay(model, 0.01)
    clear_padding_row(model)
pad_row = model.emb.weight[PAD]
print(loss.item(), pad_row.abs().sum().item())
