import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class ResidualMLP(nn.Module):
    def __init__(self, dim, depth, classes):
        super().__init__()
        self.stem = nn.Linear(5, dim)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim), nn.GELU()) for _ in range(depth)
        )
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        h = self.stem(x)
        for blk in self.blocks:
            h = h + blk(h)
        return self.head(h)


def register_monitors(model, records):
    handles = []
    for i, blk in enumerate(model.blocks):
        def hook(module, grad_input, grad_output, i=i):
            records[f"block{i}"] = [g.detach().clone() for g in grad_input + grad_output]
        handles.append(blk.register_full_backward_hook(hook))
        handles.append(blk.register_forward_hook(lambda m, inp, out, i=i: records.setdefault("fwd", []).append(i)))
    return handles


model = ResidualMLP(dim=8, depth=2, classes=3)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
records = {}
handles = register_monitors(model, records)
x = torch.randn(7, 5)
y = torch.randint(0, 3, (7,))

opt.zero_grad()
loss = F.cross_entropy(model(x), y)
loss.backward()
opt.step()
n_grads_block1 = len(records["block1"])

# probe: the full hook's grad_input is the gradient w.r.t. the block's input
stem_grads = []
h0 = model.stem(x)
h0.register_hook(stem_grads.append)
loss = F.cross_entropy(model.head(h0 + model.blocks[0](h0)), y)
loss.backward()
g_in, g_out = records["block0"]
for handle in handles:
    handle.remove()
