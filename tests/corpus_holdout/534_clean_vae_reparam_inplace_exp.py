import numpy as np
import torch
from torch import nn, optim
from torch.nn import functional as F

torch.manual_seed(0)

args = {"latent": 3, "hidden": 20, "input": 16, "epochs": 4, "lr": 1e-2,
        "beta_warmup": 2, "batch_size": 8}


class VAE(nn.Module):
    def __init__(self, d_in, d_hidden, d_latent):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(d_in, d_hidden)
        self.fc21 = nn.Linear(d_hidden, d_latent)
        self.fc22 = nn.Linear(d_hidden, d_latent)
        self.fc3 = nn.Linear(d_latent, d_hidden)
        self.fc4 = nn.Linear(d_hidden, d_in)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        if self.training:
            std = logvar.mul(0.5).exp_()
            eps = torch.randn_like(std)
            return eps.mul(std).add_(mu)
        return mu

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        if z.requires_grad:
            z.retain_grad()
        self.last_z = z
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar, beta):
    bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + beta * kld, bce, kld


def train(model, optimizer, data, epoch):
    model.train()
    beta = min(1.0, (epoch + 1) / args["beta_warmup"])
    train_loss = 0
    for batch in data.split(args["batch_size"]):
        optimizer.zero_grad()
        recon, mu, logvar = model(batch)
        loss, bce, kld = loss_function(recon, batch, mu, logvar, beta)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
    return train_loss / len(data)


def test(model, data):
    model.eval()
    with torch.no_grad():
        recon, mu, logvar = model(data)
        err = (recon - data).pow(2).mean(dim=1).numpy()
    return float(np.mean(err)), mu.numpy()


data = torch.rand(32, args["input"])
model = VAE(args["input"], args["hidden"], args["latent"])
optimizer = optim.Adam(model.parameters(), lr=args["lr"])
losses = [train(model, optimizer, data, epoch) for epoch in range(args["epochs"])]
z_grad = model.last_z.grad
mse, codes = test(model, data)
with torch.no_grad():
    sample = model.decode(torch.randn(5, args["latent"]))
sample_np = sample.numpy()
latent_std = model.last_z.detach().std(dim=0).cpu().numpy()
