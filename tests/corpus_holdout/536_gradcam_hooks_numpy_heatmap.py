import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)

CFG = {"channels": 6, "num_classes": 3, "train_steps": 2, "lr": 1e-2, "hook": "tensor"}


class SmallCNN(nn.Module):
    def __init__(self, channels, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        fmap = F.relu(self.features(x))
        return self.classifier(fmap.mean(dim=(2, 3)))


class GradCAM:
    def __init__(self, model, target_layer, hook="module"):
        self.model = model
        self.activations = None
        self.gradients = None
        if hook == "module":
            target_layer.register_forward_hook(self._save_activation)
            target_layer.register_full_backward_hook(self._save_grad_module)
        else:
            target_layer.register_forward_hook(self._save_activation_and_hook)

    def _save_activation(self, module, inputs, output):
        self.activations = output

    def _save_grad_module(self, module, grad_input, grad_output):
        self.gradients = grad_output[0]

    def _save_activation_and_hook(self, module, inputs, output):
        self.activations = output
        output.register_hook(self._store_grad)

    def _store_grad(self, grad):
        self.gradients = grad

    def __call__(self, x, class_idx=None):
        self.model.zero_grad()
        logits = self.model(x)
        if class_idx is None:
            class_idx = logits.argmax(dim=1)
        score = logits.gather(1, class_idx.view(-1, 1)).sum()
        score.backward()
        weights = self.gradients.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((weights * self.activations).sum(dim=1))
        cam = cam / (cam.amax(dim=(1, 2), keepdim=True) + 1e-8)
        return cam.numpy()


def quick_train(model, cfg):
    opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"])
    x = torch.randn(8, 1, 10, 10)
    y = torch.randint(0, cfg["num_classes"], (8,))
    for _ in range(cfg["train_steps"]):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


model = SmallCNN(CFG["channels"], CFG["num_classes"])
quick_train(model, CFG)
model.eval()
cam = GradCAM(model, model.features[2], hook=CFG["hook"])
images = torch.randn(2, 1, 10, 10)
heatmaps = cam(images)
overlay = np.clip(0.5 * heatmaps + 0.5 * images.squeeze(1).numpy(), 0, 1)
