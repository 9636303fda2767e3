import torch
import torch.nn as nn
import torch.nn.functional as F

class RegularizedLayer(nn.Module):
    def __init__(self, in_features, out_features, reg_strength = 0.01):
        super(RegularizedLayer, self).__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.reg_strength = reg_strength

    def forward(self, x):
        # Standard linear layer forward pass
        x = self.linear(x)

        # Apply a regularization term based on the weight values (L1 norm)
        weight = self.linear.weight # Extract weight matrix as a leaf tensor
        reg_term = self.reg_strength * torch.sum(torch.abs(weight))
        
        # Add the regularization term (no in-place ops)
        x = x + reg_term
        
        return x

# Initialize and test
model = RegularizedLayer(10, 5)
input_tensor = torch.randn(1, 10, requires_grad=True)
output_tensor = model(input_tensor)

# Run backpropagation
loss = torch.sum(output_tensor)
loss.backward()

# Check
print(f"Gradient of input: {input_tensor.grad}") # Gradient present
print(f"Weight: {model.linear.weight}") # Weights not modified
print(f"Weight gradient: {model.linear.weight.grad}") # Gradient present
