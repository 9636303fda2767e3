"""Gradient-flow debugging done with the supported hook APIs (full module hooks, tensor hooks)."""
import torch
from torch import nn
import torch.nn.functional as F

CFG = {"in_dim": 6, "hidden": 16, "out_dim": 2, "batch": 12, "steps": 3, "lr": 0.05}


class Regressor(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.inp = nn.Linear(cfg["in_dim"], cfg["hidden"])
        self.mid = nn.Sequential(nn.Linear(cfg["hidden"], cfg["hidden"]), nn.Tanh())
        self.out = nn.Linear(cfg["hidden"], cfg["out_dim"])
        self.activation_grads = []

    def forward(self, x):
        h = torch.tanh(self.inp(x))
        if h.requires_grad:
            h.register_hook(lambda g: self.activation_grads.append(g.norm().item()))
        h = self.mid(h)
        return self.out(h)


class GradFlowRecorder:
    def __init__(self, model):
        self.records = {}
        self.handles = []
        for name, module in model.named_modules():
            if isinstance(module, nn.Linear):
                self.handles.append(module.register_full_backward_hook(self._hook(name)))
        self.handles.append(model.out.register_forward_hook(self._shape_hook))
        self.shapes = []

    def _hook(self, name):
        def record(module, grad_input, grad_output):
            self.records.setdefault(name, []).append(grad_output[0].abs().mean().item())

        return record

    def _shape_hook(self, module, inputs, output):
        self.shapes.append(tuple(output.shape))

    def close(self):
        for handle in self.handles:
            handle.remove()


def train(model, cfg):
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    x = torch.randn(cfg["batch"], cfg["in_dim"])
    y = torch.randn(cfg["batch"], cfg["out_dim"])
    for _ in range(cfg["steps"]):
        opt.zero_grad()
        loss = F.smooth_l1_loss(model(x), y)
        loss.backward()
        opt.step()
    return loss.item()


torch.manual_seed(0)
model = Regressor(CFG)
recorder = GradFlowRecorder(model)
final = train(model, CFG)
recorder.close()
with torch.no_grad():
    sample = model(torch.randn(2, CFG["in_dim"]))
