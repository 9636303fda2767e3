import torch
import torch.nn as nn
import torch.nn.functional as F

QAT_CONFIG = {
    "bits": 4,
    "act_range": 3.0,
    "in_dim": 8,
    "hidden": 16,
    "out_dim": 2,
    "steps": 3,
    "lr": 1e-2,
}


class FakeQuantSTE(torch.autograd.Function):
    """Round to a uniform grid in forward, pass the gradient straight through."""

    @staticmethod
    def forward(ctx, x, num_bits, max_abs):
        levels = 2 ** (num_bits - 1) - 1
        scale = max_abs / levels
        ctx.save_for_backward(x)
        ctx.max_abs = max_abs
        q = torch.clamp(torch.round(x / scale), -levels, levels)
        return q * scale

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        inside = (x.abs() <= ctx.max_abs).to(grad_output.dtype)
        grad_x = grad_output * inside
        return grad_x


def fake_quant(x, bits, max_abs):
    return FakeQuantSTE.apply(x, bits, max_abs)


class QuantMLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.fc1 = nn.Linear(cfg["in_dim"], cfg["hidden"])
        self.fc2 = nn.Linear(cfg["hidden"], cfg["out_dim"])

    def forward(self, x):
        h = F.relu(self.fc1(x))
        h = fake_quant(h, self.cfg["bits"], self.cfg["act_range"])
        return self.fc2(h)


def make_dataset(n, cfg):
    x = torch.randn(n, cfg["in_dim"])
    w_true = torch.randn(cfg["in_dim"], cfg["out_dim"])
    y = x @ w_true + 0.1 * torch.randn(n, cfg["out_dim"])
    return x, y


def train(model, x, y, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=0.9)
    history = []
    for step in range(cfg["steps"]):
        opt.zero_grad()
        pred = model(x)
        loss = F.mse_loss(pred, y)
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


@torch.no_grad()
def evaluate(model, x, y):
    return F.mse_loss(model(x), y).item()


if __name__ == "__main__":
    torch.manual_seed(0)
    cfg = QAT_CONFIG
    x, y = make_dataset(64, cfg)
    model = QuantMLP(cfg)
    print(train(model, x, y, cfg), evaluate(model, x, y))
