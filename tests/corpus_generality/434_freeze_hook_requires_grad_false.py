import torch
from torch import nn

FREEZE = {"backbone": True}


def freeze_output_hook(module, args, output):
    # meant to stop gradients from flowing into the frozen backbone
    output.requires_grad_(False)
    return output


class Finetuner(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(6, 12), nn.SiLU(), nn.Linear(12, 12))
        self.head = nn.Linear(12, 2)
        if FREEZE["backbone"]:
            self.backbone.register_forward_hook(freeze_output_hook)

    def forward(self, x):
        feats = self.backbone(x)
        return self.head(feats)


torch.manual_seed(0)
net = Finetuner()
opt = torch.optim.SGD(net.head.parameters(), lr=0.1)
batch = torch.randn(4, 6)
target = torch.tensor([0, 1, 1, 0])
opt.zero_grad()
logits = net(batch)
loss = nn.functional.cross_entropy(logits, target)
loss.backward()
opt.step()
