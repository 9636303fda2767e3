import torch

w = torch.randn(3, requires_grad=True).to("cpu", torch.float64)
x = torch.randn(10, 3, dtype=torch.float64)
y = x.sum(dim=1)
loss = ((x @ w - y) ** 2).mean()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
