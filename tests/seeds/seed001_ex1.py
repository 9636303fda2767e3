import torch

# Assume 'weight' is a leaf tensor created during layer initialization
weight = torch.randn(3, 3, requires_grad=True)

# Assume 'grad' is obtained via backpropagation
grad = torch.randn(3, 3)

# Assume 'learning_rate' is a scalar
learning_rate = 0.01

# Correct way: creating new tensor, detaching from the graph
with torch.no_grad(): # Important: no gradient tracking during update
  new_weight = weight - learning_rate * grad
  weight.data = new_weight

# Check
print(f"Weight: {weight}") # Modified
print(f"Gradient attached to weight: {weight.grad}") # None because updated with data
