import torch


class RunningStats:
    def __init__(self, d):
        self.mean = torch.zeros(d)
        self.sq = torch.zeros(d)
        self.count = 0

    def update(self, batch):
        self.count += 1
        self.mean = self.mean + (batch.mean(0) - self.mean) / self.count
        self.sq = self.sq + batch.pow(2).mean(0)


stats = RunningStats(4)
for _ in range(3):
    stats.update(torch.randn(5, 4))
