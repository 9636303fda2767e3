"""MLP whose hidden activations are clamped by forward hooks (config-selectable)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {"widths": [6, 16, 16, 2], "clamp_floor": 0.0, "lr": 0.05, "steps": 3}


class MLP(nn.Module):
    def __init__(self, widths):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))

    def hidden_layers(self):
        return list(self.layers)[:-1]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def make_clamp_hook(floor):
    def hook(module, inputs, output):
        output.data.clamp_(min=floor)
    return hook


def attach_hooks(model, cfg):
    handles = []
    if cfg.get("clamp_floor") is not None:
        for layer in model.hidden_layers():
            handles.append(layer.register_forward_hook(make_clamp_hook(cfg["clamp_floor"])))
    return handles


def functional_reference(model, x, y):
    """Same forward, with the clamp written as an autograd op (ReLU)."""
    params = [(l.weight.detach().requires_grad_(), l.bias.detach().requires_grad_()) for l in model.layers]
    h = x
    for i, (w, b) in enumerate(params):
        h = F.linear(h, w, b)
        if i < len(params) - 1:
            h = F.relu(h)
    loss = F.cross_entropy(h, y)
    loss.backward()
    return params[0][0].grad


torch.manual_seed(0)
x = torch.randn(32, 6)
y = torch.randint(0, 2, (32,))
model = MLP(CONFIG["widths"])
handles = attach_hooks(model, CONFIG)
opt = torch.optim.SGD(model.parameters(), lr=CONFIG["lr"])

ref_grad = functional_reference(model, x, y)
hook_grad = None
for step in range(CONFIG["steps"]):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    if hook_grad is None:
        hook_grad = model.layers[0].weight.grad.clone()
    opt.step()

preds = logits.argmax(dim=1)
acc = (preds == y).float().mean()
for h in handles:
    h.remove()
print("acc", acc.item(), "grad gap", (hook_grad - ref_grad).abs().max().item())
