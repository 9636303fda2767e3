import torch
import torch.nn as nn
import torch.optim as optim

class WeightNormLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super(WeightNormLinear, self).__init__()
        self.weight_g = nn.Parameter(torch.ones(out_features))
        self.weight_v = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.weight = None

    def forward(self, x):
        norm = torch.norm(self.weight_v, dim=1, keepdim=True) + 1e-7 #add small constant to avoid division by zero
        self.weight = self.weight_g.view(-1, 1) * self.weight_v / norm
        return torch.mm(x, self.weight.t()) + self.bias

model = WeightNormLinear(10,5)
optimizer = optim.Adam(model.parameters(), lr=0.01)

# Training loop (omitted for brevity) - might still produce errors due to improper parameter registration
