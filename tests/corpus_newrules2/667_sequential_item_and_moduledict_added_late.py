import torch
import torch.nn as nn


class MultiTask(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU())
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 3)})

    def add_task(self, name, out_dim):
        self.heads[name] = nn.Linear(16, out_dim)

    def reinit_trunk_top(self):
        # "re-initialise" the top trunk layer by building a fresh one
        self.trunk[2] = nn.Linear(16, 16)

    def forward(self, x):
        h = self.trunk(x)
        return {name: head(h) for name, head in self.heads.items()}


torch.manual_seed(0)
model = MultiTask()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)

for task, dim in [("reg", 1)]:
    model.add_task(task, dim)
model.reinit_trunk_top()

reg_before = model.heads["reg"].weight.detach().clone()
top_before = model.trunk[2].weight.detach().clone()
cls_before = model.heads["cls"].weight.detach().clone()

x = torch.randn(12, 8)
y_cls = torch.randint(0, 3, (12,))
y_reg = torch.randn(12, 1)
for _ in range(3):
    opt.zero_grad()
    out = model(x)
    loss = nn.functional.cross_entropy(out["cls"], y_cls) + nn.functional.mse_loss(out["reg"], y_reg)
    loss.backward()
    opt.step()
