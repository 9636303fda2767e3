import torch
import torch.nn.functional as F


def make_noise(n, dim):
    # randint with a float dtype is allowed to require grad
    return torch.randint(low=-2, high=3, size=(n, dim), dtype=torch.float32, requires_grad=True)


def make_labels(n, classes):
    return torch.randint(low=0, high=classes, size=(n,), requires_grad=True)


torch.manual_seed(0)
noise = make_noise(4, 5)
scale = noise.sum()
scale.backward()

logits = torch.randn(4, 3, requires_grad=True)
labels = make_labels(4, 3)
loss = F.cross_entropy(logits, labels)
loss.backward()
