import torch
import torch.nn as nn
import torch.autograd as autograd

class CustomWeightUpdate(autograd.Function):
    @staticmethod
    def forward(ctx, weight, update_factor):
        ctx.save_for_backward(weight, update_factor) # Save necessary values for backpropagation
        # Custom weight update logic
        updated_weight = weight * (1 + update_factor)
        return updated_weight

    @staticmethod
    def backward(ctx, grad_output):
        weight, update_factor = ctx.saved_tensors
        # Custom backward logic
        grad_weight = grad_output * (1 + update_factor)
        grad_update_factor = torch.sum(grad_output * weight)
        return grad_weight, grad_update_factor

class CustomUpdateLayer(nn.Module):
  def __init__(self, in_features, out_features):
    super(CustomUpdateLayer, self).__init__()
    self.linear = nn.Linear(in_features, out_features)
    self.update_factor = nn.Parameter(torch.tensor(0.1)) # update factor is a trainable tensor

  def forward(self, x):
    weight = self.linear.weight
    updated_weight = CustomWeightUpdate.apply(weight, self.update_factor) # Apply custom update
    self.linear.weight = torch.nn.Parameter(updated_weight) # Assign updated weight
    return self.linear(x)
  
#Initialize and Test
model = CustomUpdateLayer(10,5)
input_tensor = torch.randn(1, 10, requires_grad = True)
output_tensor = model(input_tensor)

# Run backpropagation
loss = torch.sum(output_tensor)
loss.backward()

# Check
print(f"Gradient of input: {input_tensor.grad}")
print(f"Weight gradient: {model.linear.weight.grad}")
print(f"Update factor gradient: {model.update_factor.grad}")

