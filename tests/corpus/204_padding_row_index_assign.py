import torch

vocab, dim, pad_idx = 10, 4, 0
emb = torch.randn(vocab, dim, requires_grad=True)
emb[pad_idx] = 0
tokens = torch.tensor([[1, 2, 0], [3, 0, 0]])
vectors = emb[tokens]
vectors.sum().backward()
