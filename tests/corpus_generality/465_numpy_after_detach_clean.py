import numpy as np
import torch
import torch.nn as nn


def to_numpy(t):
    return t.detach().cpu().numpy()


torch.manual_seed(0)
layer = nn.Linear(4, 2)
inputs = torch.randn(5, 4)

feats = layer(inputs)
loss = feats.square().mean()
loss.backward()

feats = feats.detach()
feats_np = np.asarray(feats)
weight_np = np.asarray(layer.weight.data)
bias_np = to_numpy(layer.bias)
grad_np = np.asarray(layer.weight.grad)
loss_np = np.asarray(loss.item())

with torch.no_grad():
    scores = layer(inputs).softmax(dim=1)
scores_np = np.asarray(scores)

torch.set_grad_enabled(False)
logits = layer(inputs)
torch.set_grad_enabled(True)
logits_np = logits.__array__()

print(feats_np.shape, weight_np.shape, bias_np.shape, grad_np.shape, loss_np, scores_np.sum(), logits_np.shape)
