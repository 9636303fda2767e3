"""Hand-written torch facts the generated API table (``data/torch_api.json``) cannot give."""

from __future__ import annotations

PARAMETER_NAMES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})


BUFFER_NAMES = frozenset({"torch.nn.Buffer", "torch.nn.parameter.Buffer"})


VARIABLE_NAMES = frozenset({"torch.autograd.Variable", "torch.autograd.variable.Variable"})


MODULE_RETURNING = (
    "torch.nn.utils.parametrizations.",
    "torch.nn.utils.parametrize.",
    "torch.nn.utils.weight_norm",
    "torch.nn.utils.spectral_norm",
    "torch.compile",
    "torch.jit.script",
)


REQUIRES_GRAD_TYPOS = frozenset(
    {
        "require_grad",
        "requires_grads",
        "require_grads",
        "requiresgrad",
        "requires_gradient",
        "require_gradient",
        "reqires_grad",
        "requries_grad",
        "requires_gard",
        "requird_grad",
        "requires_grd",
        "requiers_grad",
    }
)
