import copy

import torch
import torch.nn as nn
import torch.nn.functional as F


class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x))).squeeze(-1)


def l2_sp(model, anchor):
    terms = [(p - a).pow(2).sum() for p, a in zip(model.parameters(), anchor.parameters())]
    return sum(terms)


torch.manual_seed(0)
x_train, x_val = torch.randn(32, 4), torch.randn(16, 4)
y_train, y_val = x_train.sum(1), x_val.sum(1)

model = Regressor()
anchor = copy.deepcopy(model).requires_grad_(False)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
best, best_val = None, float("inf")
for epoch in range(4):
    pred = model(x_train)
    loss = F.mse_loss(pred, y_train) + 1e-3 * l2_sp(model, anchor)
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        val = F.mse_loss(model(x_val), y_val).item()
    if val < best_val:
        best, best_val = copy.deepcopy(model), val

best_weight = best.out.weight
before_finetune = best_weight.detach().clone()
model_weight_before = model.out.weight.detach().clone()
ft_opt = torch.optim.SGD(best.parameters(), lr=0.01)
ft_loss = F.mse_loss(best(x_val), y_val)
ft_opt.zero_grad()
ft_loss.backward()
ft_opt.step()
anchor_weight = anchor.out.weight
print(best_val, ft_loss.item())
