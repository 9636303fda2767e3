import torch
import torch.nn as nn
import torch.nn.functional as F

TASKS = ("sentiment", "topic")
NUM_CLASSES = {"sentiment": 2, "topic": 4}


class MultiTaskNet(nn.Module):
    def __init__(self, d_in=10, d_model=16, n_layers=3):
        super().__init__()
        self.stem = nn.Linear(d_in, d_model)
        self.layers = nn.ModuleList([nn.Linear(d_model, d_model) for _ in range(n_layers)])
        self.proj = nn.Linear(d_model, d_model)
        for task in TASKS:
            setattr(self, f"head_{task}", nn.Linear(d_model, NUM_CLASSES[task]))
        self.head_aux = nn.Linear(d_model, 1)

    def _trunk(self, x):
        h = F.relu(self.stem(x))
        for layer in self.layers:
            h = h + F.relu(layer(h))
        return self._project(h)

    def _project(self, h):
        return torch.tanh(self.proj(h))

    def forward(self, x, task):
        feats = self._trunk(x)
        head = getattr(self, "head_" + task)
        aux = self.head_aux(feats).squeeze(-1)
        return head(feats), aux


def make_task_batches(batch=6, d_in=10):
    out = {}
    for task in TASKS:
        xs = torch.randn(batch, d_in)
        ys = torch.randint(0, NUM_CLASSES[task], (batch,))
        out[task] = (xs, ys)
    return out


def train(model, batches, steps=3, lr=0.05):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for step in range(steps):
        opt.zero_grad()
        total_loss = torch.zeros(())
        for task, (xs, ys) in batches.items():
            logits, aux = model(xs, task)
            task_loss = F.cross_entropy(logits, ys) + 0.1 * aux.pow(2).mean()
            total_loss = total_loss + task_loss
        total_loss.backward()
        opt.step()
        print(step, round(total_loss.item(), 4))


@torch.no_grad()
def evaluate(model, batches):
    scores = {}
    for task, (xs, ys) in batches.items():
        logits, _ = model(xs, task)
        scores[task] = (logits.argmax(1) == ys).float().mean().item()
    return scores


torch.manual_seed(0)
net = MultiTaskNet()
batches = make_task_batches()
train(net, batches)
print(evaluate(net, batches))
