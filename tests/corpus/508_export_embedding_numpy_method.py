import torch
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(5, 2)

    def export(self):
        return self.embed.weight.numpy()


table = Model().export()
