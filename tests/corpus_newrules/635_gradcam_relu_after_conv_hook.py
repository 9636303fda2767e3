"""Small CNN with a Grad-CAM style collector on the ReLU that follows the first conv."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

OPTS = {
    "channels": 4,
    "classes": 3,
    "image": 8,
    "lr": 0.05,
    "steps": 2,
    "batch": 6,
    "target_layer": "features.1",
}


class SmallCNN(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, kernel_size=3, padding=1),
            nn.ReLU(),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


class GradCamCollector:
    def __init__(self, model, layer_name):
        layer = dict(model.named_modules())[layer_name]
        self.activations = []
        self.gradients = []
        layer.register_forward_hook(self._save_activation)
        layer.register_backward_hook(self._save_gradient)

    def _save_activation(self, module, inputs, output):
        self.activations.append(output.detach())

    def _save_gradient(self, module, grad_input, grad_output):
        self.gradients.append(grad_output[0].detach())

    def cam(self):
        acts, grads = self.activations[-1], self.gradients[-1]
        weights = grads.mean(dim=(2, 3), keepdim=True)
        return F.relu((weights * acts).sum(dim=1))


def batch(opts):
    images = torch.randn(opts["batch"], 1, opts["image"], opts["image"])
    labels = torch.randint(0, opts["classes"], (opts["batch"],))
    return images, labels


def train(model, opts):
    optimizer = torch.optim.SGD(model.parameters(), lr=opts["lr"])
    for _ in range(opts["steps"]):
        images, labels = batch(opts)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()


def explain(model, collector, images):
    model.zero_grad()
    scores = model(images)
    top = scores.max(dim=1).values.sum()
    top.backward()
    return collector.cam()


model = SmallCNN(OPTS["channels"], OPTS["classes"])
collector = GradCamCollector(model, OPTS["target_layer"])
train(model, OPTS)
images, _ = batch(OPTS)
heatmap = explain(model, collector, images)
