from collections import defaultdict

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.05)
criterion = nn.MSELoss()

batches = [(torch.randn(8, 6), torch.randn(8, 1)) for _ in range(4)]
snapshots = [(name, p.detach().clone()) for name, p in model.named_parameters()]
name0, w0 = snapshots[0]

meter = {"loss": 0.0, "n": 0}
history = defaultdict(list)
for epoch in range(2):
    for i, (xb, yb) in enumerate(batches):
        pred = model(xb)
        loss = criterion(pred, yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        meter["loss"] += loss.item() * xb.shape[0]
        meter["n"] += xb.shape[0]
        history["loss"].append(loss.detach())
        history["pred_mean"].append(pred.detach().mean())

drift = {
    name: (p.detach() - start).norm()
    for (name, p), (_, start) in zip(model.named_parameters(), snapshots)
}
d0 = drift[name0]
curve = torch.stack(history["loss"])
best = curve.min()
last_pred = history["pred_mean"][-1]
avg = meter["loss"] / meter["n"]
print(name0, d0.item(), best.item(), avg, last_pred.item())
