import torch
import torch.nn as nn
from torch.autograd import Variable

torch.manual_seed(0)

BATCH = 16
LATENT = 5
FEATURES = 8


class G(nn.Module):
    def __init__(self):
        super(G, self).__init__()
        self.main = nn.Sequential(
            nn.Linear(LATENT, 32),
            nn.ReLU(True),
            nn.Linear(32, FEATURES),
        )

    def forward(self, input):
        return self.main(input)


class D(nn.Module):
    def __init__(self):
        super(D, self).__init__()
        self.main = nn.Sequential(
            nn.Linear(FEATURES, 32),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(32, 1),
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input).view(-1)


def get_batch():
    return torch.randn(BATCH, FEATURES) * 0.3 + 2.0


def make_labels(value):
    return Variable(torch.full((BATCH,), value))


netG = G()
netD = D()
criterion = nn.BCELoss()
optimizerD = torch.optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))

real_label = make_labels(1.0)
fake_label = make_labels(0.0)
losses = []

for epoch in range(2):
    real_cpu = get_batch()
    noise = torch.randn(BATCH, LATENT)
    fake = netG(noise)
    output_fake = netD(fake)

    # (1) Update D network: maximize log(D(x)) + log(1 - D(G(z)))
    netD.zero_grad()
    errD_real = criterion(netD(real_cpu), real_label)
    errD_fake = criterion(output_fake, fake_label)
    errD = errD_real + errD_fake
    errD.backward(retain_graph=True)
    optimizerD.step()

    # (2) Update G network: maximize log(D(G(z))), reusing D's output on the fake batch
    netG.zero_grad()
    errG = criterion(output_fake, real_label)
    errG.backward()
    optimizerG.step()
    losses.append((errD.item(), errG.item()))
