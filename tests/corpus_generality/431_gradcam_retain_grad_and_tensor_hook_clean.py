import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyCNN(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.fc = nn.Linear(6, num_classes)

    def forward(self, x):
        h = F.relu(self.conv1(x))
        h = F.relu(self.conv2(h))
        return self.fc(h.mean(dim=(2, 3)))


class GradCAM:
    def __init__(self, model, layer):
        self.model = model
        self.activation = None
        self.gradient = None
        layer.register_forward_hook(self._save_activation)

    def _save_activation(self, module, inputs, output):
        output.retain_grad()
        self.activation = output
        output.register_hook(self._save_gradient)

    def _save_gradient(self, grad):
        self.gradient = grad

    def __call__(self, image, cls):
        self.model.zero_grad()
        score = self.model(image)[0, cls]
        score.backward()
        act = self.activation
        retained = act.grad
        weights = self.gradient.mean(dim=(2, 3), keepdim=True)
        heat = F.relu((weights * act).sum(1)).detach()
        return heat, retained


def train(model, x, y, steps=2):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()


torch.manual_seed(0)
net = TinyCNN()
x = torch.randn(4, 1, 5, 5)
y = torch.tensor([0, 1, 2, 1])
train(net, x, y)
cam = GradCAM(net, net.conv2)
heat, retained = cam(x[:1], 2)
heat_np = heat.numpy()
print(heat_np.shape)
