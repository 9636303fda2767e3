import numpy as np
import torch
from torch.nn import Linear

layer = Linear(3, 2)
out = layer(torch.randn(4, 3))
out.mean().backward()
weights = layer.weight.numpy()
print(np.round(weights, 2))
