import copy

import torch
from torch import nn
import torch.nn.functional as F


class Config:
    in_dim = 6
    hidden = 16
    out_dim = 2
    batch = 24
    steps = 4
    lr = 0.05
    clip = 0.5


class ClippedMLP(nn.Module):
    def __init__(self, cfg, clip_in_place=True):
        super().__init__()
        self.cfg = cfg
        self.clip_in_place = clip_in_place
        self.fc1 = nn.Linear(cfg.in_dim, cfg.hidden)
        self.fc2 = nn.Linear(cfg.hidden, cfg.out_dim)

    def forward(self, x):
        h = self.fc1(x)
        if self.clip_in_place:
            # "cheap" activation clipping that avoids an extra autograd node
            h.data.clamp_(-self.cfg.clip, self.cfg.clip)
        else:
            h = h.clamp(-self.cfg.clip, self.cfg.clip)
        h = torch.tanh(h)
        return self.fc2(h)


def make_data(cfg):
    x = torch.randn(cfg.batch, cfg.in_dim)
    y = torch.stack([x[:, 0] * x[:, 1], x[:, 2] - x[:, 3]], dim=1)
    return x, y


def train(model, cfg, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    record = {}
    for step in range(cfg.steps):
        pred = model(x)
        loss = F.mse_loss(pred, y)
        optimizer.zero_grad()
        loss.backward()
        if step == 0:
            record["loss"] = loss.detach()
            record["fc1_grad"] = model.fc1.weight.grad.clone()
        optimizer.step()
    return record


def reference_gradient(state, cfg, x, y):
    ref = ClippedMLP(cfg, clip_in_place=False)
    ref.load_state_dict(state)
    ref_loss = F.mse_loss(ref(x), y)
    ref_loss.backward()
    return ref_loss.detach(), ref.fc1.weight.grad


torch.manual_seed(0)
cfg = Config()
x, y = make_data(cfg)
model = ClippedMLP(cfg)
initial_state = copy.deepcopy(model.state_dict())
record = train(model, cfg, x, y)
ref_loss, ref_grad = reference_gradient(initial_state, cfg, x, y)
bug_grad = record["fc1_grad"]
print("same loss:", torch.allclose(record["loss"], ref_loss))
print("same fc1 grad:", torch.allclose(bug_grad, ref_grad))
