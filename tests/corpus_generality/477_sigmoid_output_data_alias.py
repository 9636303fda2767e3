import torch

torch.manual_seed(0)
z = torch.randn(6, requires_grad=True)
weights = torch.arange(1.0, 7.0)


def halve_in_place(t):
    raw = t.data
    raw.mul_(0.5)
    return t


gate = torch.sigmoid(z)
gate = halve_in_place(gate)
loss = (gate * weights).sum()
loss.backward()
bug_grad = z.grad.clone()

ref_gate = torch.sigmoid(z) * 0.5
ref_loss = (ref_gate * weights).sum()
ref_grad, = torch.autograd.grad(ref_loss, z)
