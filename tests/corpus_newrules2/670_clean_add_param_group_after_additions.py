import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 12))
        self.heads = nn.ModuleDict({"pos": nn.Linear(12, 4)})

    def add_head(self, name, classes, optimizer):
        self.heads[name] = nn.Linear(12, classes)
        optimizer.add_param_group({"params": self.heads[name].parameters(), "lr": 0.05})

    def add_bias_shift(self, optimizer):
        self.register_parameter("shift", nn.Parameter(torch.zeros(12)))
        optimizer.add_param_group({"params": [self.shift]})

    def forward(self, x):
        h = self.encoder(x)
        if hasattr(self, "shift"):
            h = h + self.shift
        return {k: head(h) for k, head in self.heads.items()}


torch.manual_seed(0)
model = Tagger()
model.encoder[2] = nn.Linear(12, 12)  # replaced before any optimizer exists
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
model.add_head("ner", 3, optimizer)
model.add_bias_shift(optimizer)

ner_before = model.heads["ner"].weight.detach().clone()
enc_before = model.encoder[2].weight.detach().clone()

x = torch.randn(10, 6)
targets = {"pos": torch.randint(0, 4, (10,)), "ner": torch.randint(0, 3, (10,))}
for _ in range(3):
    optimizer.zero_grad()
    outputs = model(x)
    loss = sum(nn.functional.cross_entropy(outputs[k], targets[k]) for k in outputs)
    loss.backward()
    optimizer.step()
