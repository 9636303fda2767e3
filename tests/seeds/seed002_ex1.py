import torch
import torch.nn as nn
import torch.optim as optim

class WeightNormLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super(WeightNormLinear, self).__init__()
        self.weight_g = nn.Parameter(torch.ones(out_features))
        self.weight_v = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        # INCORRECT:  Directly uses normalized weight in the forward pass. 
        norm = torch.norm(self.weight_v, dim=1, keepdim=True)
        normalized_weight = self.weight_v / norm
        return torch.mm(x, normalized_weight.t()) + self.bias

model = WeightNormLinear(10, 5)
optimizer = optim.Adam(model.parameters(), lr=0.01)

# Training loop (omitted for brevity) -  will likely produce a non-leaf error
