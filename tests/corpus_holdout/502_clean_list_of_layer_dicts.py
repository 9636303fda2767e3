import torch
import torch.nn.functional as F

torch.manual_seed(0)


def make_layer(d_in, d_out):
    w = torch.empty(d_in, d_out)
    torch.nn.init.xavier_uniform_(w)
    w.requires_grad_()
    b = torch.zeros(d_out, requires_grad=True)
    return {"w": w, "b": b}


def run(layers, x):
    h = x
    for k, layer in enumerate(layers):
        h = h @ layer["w"] + layer["b"]
        if k + 1 < len(layers):
            h = torch.tanh(h)
    return h


widths = [4, 8, 3]
layers = [make_layer(a, b) for a, b in zip(widths[:-1], widths[1:])]
flat = [t for layer in layers for t in layer.values()]
opt = torch.optim.Adam(flat, lr=1e-2)

x = torch.randn(64, 4)
y = torch.randint(0, 3, (64,))
for step in range(10):
    out = run(layers, x)
    loss = F.cross_entropy(out, y)
    opt.zero_grad()
    loss.backward()
    opt.step()

first_w = layers[0]["w"]
w_last, b_last = layers[-1]["w"], layers[-1]["b"]
grads = {i: layer["w"].grad.clone() for i, layer in enumerate(layers)}
g0 = grads[0]
w_np = first_w.detach().numpy()
with torch.no_grad():
    final = run(layers, x)
print(loss.item(), w_np.shape, final.shape)
