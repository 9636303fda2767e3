"""Continual-learning trainer: new classes arrive, the head grows, a temperature is learned."""
import torch
from torch import nn

torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self, d_in, d_hidden, n_out):
        super().__init__()
        self.body = nn.Linear(d_in, d_hidden)
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.0), nn.Linear(d_hidden, n_out))
        self.register_parameter("log_temp", None)

    def forward(self, x):
        logits = self.head(self.body(x))
        if self.log_temp is not None:
            logits = logits / self.log_temp.exp()
        return logits


class Trainer:
    def __init__(self, model, lr, learn_temperature):
        self.model = model
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.loss_fn = nn.CrossEntropyLoss()
        if learn_temperature:
            self.model.log_temp = nn.Parameter(torch.zeros(()))

    def expand_head(self, n_new):
        old = self.model.head[2]
        grown = nn.Linear(old.in_features, old.out_features + n_new)
        with torch.no_grad():
            grown.weight[: old.out_features] = old.weight
            grown.bias[: old.out_features] = old.bias
        self.model.head[2] = grown

    def step(self, x, y):
        self.opt.zero_grad()
        loss = self.loss_fn(self.model(x), y)
        loss.backward()
        self.opt.step()
        return loss.item()


model = Net(6, 16, 3)
trainer = Trainer(model, lr=0.05, learn_temperature=True)
x_old = torch.randn(20, 6)
y_old = torch.randint(0, 3, (20,))
for _ in range(2):
    trainer.step(x_old, y_old)

trainer.expand_head(2)
head_w0 = model.head[2].weight.detach().clone()
x_new = torch.randn(20, 6)
y_new = torch.randint(0, 5, (20,))
for _ in range(2):
    trainer.step(x_new, y_new)
