import torch
import torch.nn.functional as F


def make_tensor(shape, dtype=torch.float32, fill=0.0, **factory_kwargs):
    return torch.full(shape, fill, dtype=dtype, **factory_kwargs)


def init_codebook(n_codes, dim, *, trainable=True, **extra):
    opts = dict(requires_grad=trainable, **extra)
    codes = make_tensor((n_codes, dim), fill=0.1, **opts)
    usage = make_tensor((n_codes,), dtype=torch.long, **opts)
    return {"codes": codes, "usage": usage}


def quantize(z, codes):
    dists = torch.cdist(z, codes)
    idx = dists.argmin(dim=1)
    return codes[idx], idx


torch.manual_seed(0)
z = torch.randn(16, 4)
book = init_codebook(8, 4)
zq, idx = quantize(z, book["codes"])
loss = F.mse_loss(zq, z)
loss.backward()
