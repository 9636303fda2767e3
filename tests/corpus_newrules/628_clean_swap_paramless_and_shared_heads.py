import torch
import torch.nn as nn

torch.manual_seed(0)


class MultiTaskNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(8, 16)
        self.act = nn.ReLU()
        self.drop = nn.Dropout(0.5)
        self.heads = nn.ModuleDict({"cls": nn.Linear(16, 4), "reg": nn.Linear(16, 1)})
        self.active = self.heads["cls"]

    def forward(self, x):
        return self.active(self.drop(self.act(self.trunk(x))))


def build(task):
    net = MultiTaskNet()
    net.heads["cls"] = nn.Linear(16, 3)
    net.active = net.heads[task]
    return net


def set_task(net, task):
    net.active = net.heads[task]


net = build("cls")
opt = torch.optim.SGD(net.parameters(), lr=0.1)

net.act = nn.GELU()
setattr(net, "drop", nn.Dropout(p=0.0))
x = torch.randn(5, 8)
cls_w0 = net.heads["cls"].weight.detach().clone()
opt.zero_grad()
loss = net(x).logsumexp(dim=1).mean()
loss.backward()
opt.step()

set_task(net, "reg")
reg_w0 = net.heads["reg"].weight.detach().clone()
opt.zero_grad()
target = torch.randn(5, 1)
loss = (net(x) - target).pow(2).mean()
loss.backward()
opt.step()
