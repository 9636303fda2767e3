import torch
import torch.nn as nn
import torch.optim as optim

class IncorrectCustomParameterModel(nn.Module):
    def __init__(self, num_filters):
        super().__init__()
        self.conv = nn.Conv2d(3, num_filters, kernel_size=3)
        self.custom_bias = torch.zeros(num_filters) # Incorrect: Not an nn.Parameter

    def forward(self, x):
        x = self.conv(x)
        return x + self.custom_bias.view(1, -1, 1, 1) # Incorrect: Loss of leaf node status


model = IncorrectCustomParameterModel(16)
optimizer = optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
input_tensor = torch.randn(1, 3, 32, 32)
target_tensor = torch.randn(1, 16, 30, 30) # Example matching the conv output

try:
    output = model(input_tensor)
    loss = loss_fn(output, target_tensor)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
except RuntimeError as e:
   print(f"Error encountered: {e}")
