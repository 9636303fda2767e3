import torch
import torch.nn as nn
import torch.optim as optim

model = nn.Linear(10, 5)
model = nn.utils.weight_norm(model)
optimizer = optim.Adam(model.parameters(), lr=0.01)

# Training loop (omitted for brevity) - should work correctly
