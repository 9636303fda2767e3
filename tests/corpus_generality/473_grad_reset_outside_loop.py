import torch

torch.manual_seed(0)
x = torch.linspace(-2, 2, 40).unsqueeze(1)
y = 1.5 * x - 0.7

w = torch.randn(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.02
window = torch.zeros(3)

w.grad = None
b.grad = None
w_grads = []
for it in range(6):
    pred = x @ w + b
    loss = torch.mean((pred - y) ** 2)
    loss.backward()
    w_grads.append(w.grad.item())
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    if it % 3 == 2:
        window.zero_()
    window[it % 3] = loss.item()
