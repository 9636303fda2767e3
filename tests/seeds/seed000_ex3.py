import torch
import torch.nn as nn
import torch.optim as optim

class InplaceNormalizationModel(nn.Module):
    def __init__(self, num_filters):
        super().__init__()
        self.conv = nn.Conv2d(3, num_filters, kernel_size=3)
        self.scale = nn.Parameter(torch.ones(num_filters))

    def forward(self, x):
        x = self.conv(x)
        # Intentional in-place modification (Incorrect)
        self.scale.data += 0.1 # Incorrect: In-place update
        x = x * self.scale.view(1, -1, 1, 1)
        return x

model = InplaceNormalizationModel(16)
optimizer = optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
input_tensor = torch.randn(1, 3, 32, 32)
target_tensor = torch.randn(1, 16, 30, 30)

try:
    output = model(input_tensor)
    loss = loss_fn(output, target_tensor)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
except RuntimeError as e:
   print(f"Error encountered: {e}")
