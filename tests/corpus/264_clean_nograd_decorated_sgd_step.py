import torch


@torch.no_grad()
def sgd_step(params, lr):
    for p in params:
        p -= lr * p.grad
        p.grad = None


torch.manual_seed(0)
x = torch.randn(30, 2)
y = x @ torch.tensor([1.5, -2.0])
w = torch.zeros(2, requires_grad=True)
losses = []
for _ in range(10):
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    sgd_step([w], 0.1)
    losses.append(loss.item())
