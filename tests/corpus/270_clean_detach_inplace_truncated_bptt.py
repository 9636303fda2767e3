import torch
from torch import nn

rnn = nn.GRU(3, 5, batch_first=True)
opt = torch.optim.SGD(rnn.parameters(), lr=0.01)
hidden = torch.zeros(1, 2, 5)
losses = []
for chunk in torch.randn(3, 2, 4, 3):
    out, hidden = rnn(chunk, hidden)
    loss = out.pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    hidden.detach_()
    losses.append(loss.item())
