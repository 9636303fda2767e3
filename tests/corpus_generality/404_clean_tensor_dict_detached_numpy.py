import numpy as np
import torch

torch.manual_seed(0)
names = ("slope", "offset")
values = [torch.randn(3, requires_grad=True), torch.zeros(3, requires_grad=True)]
coeffs = dict(zip(names, values))
batch = {"x": torch.randn(16, 3), "y": torch.randn(16, 3)}

slope, offset = coeffs["slope"], coeffs["offset"]
pred = batch["x"] * slope + offset
loss = ((pred - batch["y"]) ** 2).mean()
loss.backward()

snapshots = []
for name, t in coeffs.items():
    snapshots.append(t.detach().numpy().copy())
grads = {name: np.asarray(t.grad) for name, t in coeffs.items()}
inputs_np = batch["x"].numpy()
frozen = {k: v.detach() for k, v in coeffs.items()}
slope_frozen = frozen["slope"]
slope_np = slope_frozen.numpy()
first, second = values
print(snapshots[0].shape, grads["offset"].shape, inputs_np.shape, slope_np.shape, first.shape)
