import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
proj = nn.Linear(6, 4)
x = torch.randn(8, 6)
targets = torch.randint(4, (8,))

out = proj(x)
sorted_vals, order = out.sort(dim=1, descending=True)
best_val, best_idx = torch.max(out, dim=0)
worst = torch.min(out, 1)
worst_idx = worst.indices
mask = out > 0
positive = mask.long().sum(dim=1)
flags = out.bool()
ints = out.int()
rows, cols = torch.where(out < -0.5)
nz = mask.nonzero()

log_probs = F.log_softmax(out, dim=1)
loss = F.nll_loss(log_probs, targets)
loss.backward()

print(order.numpy()[0], best_idx.numpy(), worst_idx.numpy(), np.asarray(mask).sum())
print(positive.numpy(), flags.numpy().all(), ints.numpy().max(), rows.numpy(), cols.numpy(), nz.numpy().shape)
print(sorted_vals.detach().numpy()[0], best_val.detach().numpy(), loss.item(), loss.dtype)
