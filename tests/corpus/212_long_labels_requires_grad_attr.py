import torch
import torch.nn.functional as F

logits = torch.randn(4, 3, requires_grad=True)
labels = torch.ones(4, dtype=torch.long)
labels.requires_grad = True
loss = F.cross_entropy(logits, labels)
loss.backward()
