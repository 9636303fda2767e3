import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

TASK_SPECS = {"depth": 1, "segmentation": 4, "normals": 3}
OPTIONS = {"weighting": "uncertainty", "hidden": 20, "lr": 5e-3, "steps": 4, "ema": 0.8}


class MultiHeadNet(nn.Module):
    def __init__(self, specs, opts):
        super().__init__()
        self.task_names = list(specs)
        self.encoder = nn.Sequential(nn.Linear(12, opts["hidden"]), nn.Tanh())
        self.heads = nn.ModuleDict({t: nn.Linear(opts["hidden"], d) for t, d in specs.items()})
        self.log_sigma = nn.ParameterDict({t: nn.Parameter(torch.zeros(())) for t in specs})
        self.task_bias = nn.ParameterList([nn.Parameter(torch.zeros(d)) for d in specs.values()])
        self.register_buffer("loss_ema", torch.ones(len(specs)))
        self.ema = opts["ema"]

    def forward(self, x):
        z = self.encoder(x)
        return {t: self.heads[t](z) + self.task_bias[i] for i, t in enumerate(self.task_names)}

    def weighted_total(self, losses):
        total = 0.0
        for t in self.task_names:
            s = self.log_sigma[t]
            total = total + 0.5 * torch.exp(-2 * s) * losses[t] + s
        return total

    @torch.no_grad()
    def track(self, losses):
        current = torch.stack([losses[t].detach() for t in self.task_names])
        self.loss_ema.mul_(self.ema).add_(current, alpha=1 - self.ema)


def per_task_losses(outputs, batch):
    return {
        "depth": F.l1_loss(outputs["depth"].squeeze(-1), batch["depth"]),
        "segmentation": F.cross_entropy(outputs["segmentation"], batch["segmentation"]),
        "normals": (1 - F.cosine_similarity(outputs["normals"], batch["normals"], dim=-1)).mean(),
    }


def make_batch(n=9):
    return {
        "x": torch.randn(n, 12),
        "depth": torch.rand(n),
        "segmentation": torch.randint(0, 4, (n,)),
        "normals": F.normalize(torch.randn(n, 3), dim=-1),
    }


model = MultiHeadNet(TASK_SPECS, OPTIONS)
opt = torch.optim.Adam(model.parameters(), lr=OPTIONS["lr"])
batch = make_batch()
sigma_history = []
for step in range(OPTIONS["steps"]):
    outputs = model(batch["x"])
    losses = per_task_losses(outputs, batch)
    total = model.weighted_total(losses)
    opt.zero_grad()
    total.backward()
    sigma_grad = model.log_sigma["depth"].grad.clone()
    opt.step()
    model.track(losses)
    sigma_history.append(torch.tensor([model.log_sigma[t].item() for t in model.task_names]))

log_table = torch.stack(sigma_history)
