import torch
import torch.nn as nn
import torch.optim as optim

class DetachParameterModel(nn.Module):
    def __init__(self, num_filters):
        super().__init__()
        self.conv = nn.Conv2d(3, num_filters, kernel_size=3)
        self.alpha = nn.Parameter(torch.rand(1))

    def forward(self, x):
        x = self.conv(x)
        # Detaching a clone so we can use the alpha parameter to modify conv output
        detached_alpha = self.alpha.clone().detach()
        modified_x = x * detached_alpha
        return modified_x


model = DetachParameterModel(16)
optimizer = optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
input_tensor = torch.randn(1, 3, 32, 32)
target_tensor = torch.randn(1, 16, 30, 30)

output = model(input_tensor)
loss = loss_fn(output, target_tensor)
optimizer.zero_grad()
loss.backward()
optimizer.step()

print("Optimization step executed successfully.")
