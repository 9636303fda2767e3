import torch

w = torch.ones(3, requires_grad=True)
with torch.no_grad():
    frozen = w * 2
    with torch.enable_grad():
        loss = (w * frozen).sum()
    loss.backward()
