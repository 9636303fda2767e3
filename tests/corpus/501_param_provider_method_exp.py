import torch


class Positive:
    def __init__(self, n):
        self.raw = torch.zeros(n, requires_grad=True)

    def get(self):
        return self.raw.exp()


sigma = Positive(3)
opt = torch.optim.Adam([sigma.get()], lr=0.1)
