"""Hand-written torch facts: what the generated API table (``data/torch_api.json``) cannot give.

Everything else the interpreter knows about torch comes from that table (through
:func:`leaf_lsp.torch_api.load`). Each fact here says in one line why it is hand-written;
``tests/unit/test_torch_facts.py`` checks them against the table where they overlap.
"""

from __future__ import annotations

#: How an unknown ``**mapping`` appears among keyword arguments (see ``values.UNKNOWN_KWARGS``).
UNKNOWN_KWARGS_KEY = "**"

# --- namespaces ---

TORCH = "torch"
TORCH_PREFIX = "torch."
NN = "torch.nn"
NN_PREFIX = "torch.nn."
OPTIM_PREFIX = "torch.optim."
AUTOGRAD_PREFIX = "torch.autograd."
#: ``nn.Module`` itself (the table lists its subclasses, whose bases it does not record).
MODULE_BASE_NAMES = frozenset({"torch.nn.Module", "torch.nn.modules.module.Module"})
#: ``torch.autograd.Function`` and its kin end in this (custom autograd functions).
AUTOGRAD_FUNCTION_SUFFIX = "Function"

# --- names that construct special tensors (the table lists functions, not these classes) ---

#: ``nn.Parameter(t)``: always a fresh leaf that requires grad unless told otherwise.
PARAMETER_NAMES = frozenset({"torch.nn.Parameter", "torch.nn.parameter.Parameter"})
#: ``nn.Buffer(t)``: marks a tensor a module buffer (moved by ``.to()``, never trained).
BUFFER_NAMES = frozenset({"torch.nn.Buffer", "torch.nn.parameter.Buffer"})
#: The deprecated ``Variable`` wrapper: returns its tensor (a leaf when ``requires_grad``).
VARIABLE_NAMES = frozenset({"torch.autograd.Variable", "torch.autograd.variable.Variable"})
#: Functions that return the module they are given (wrapped or reparametrised in place).
MODULE_RETURNING = (
    "torch.nn.utils.parametrizations.",
    "torch.nn.utils.parametrize.",
    "torch.nn.utils.weight_norm",
    "torch.nn.utils.spectral_norm",
    "torch.compile",
    "torch.jit.script",
)

#: Of those, the ones that turn a parameter into a value computed from others at each access.
REPARAMETRISING = (
    "torch.nn.utils.parametrizations.",
    "torch.nn.utils.parametrize.register_parametrization",
    "torch.nn.utils.weight_norm",
    "torch.nn.utils.spectral_norm",
)

# --- grad mode ---

#: Spellings of the grad-mode context managers under ``torch.`` besides their top-level name
#: (the table lists ``no_grad``, ``enable_grad``...; these are their re-exports).
GRAD_CONTEXT_ALIASES = {
    "autograd.no_grad": "no_grad",
    "autograd.grad_mode.no_grad": "no_grad",
    "autograd.enable_grad": "enable_grad",
    "autograd.grad_mode.enable_grad": "enable_grad",
    "autograd.grad_mode.inference_mode": "inference_mode",
    "autograd.grad_mode.set_grad_enabled": "set_grad_enabled",
}
#: The mistyped spellings of ``requires_grad`` people write (LEAF208).
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

# --- tensors ---

#: Properties (not methods, so not in the table's methods) whose value is a view.
VIEW_PROPERTIES = frozenset({"T", "mT", "H", "mH", "real", "imag"})
#: Methods that return Python values or metadata, never a tensor in the graph.
QUERY_METHODS = frozenset(
    {
        "size",
        "dim",
        "numel",
        "stride",
        "data_ptr",
        "element_size",
        "is_contiguous",
        "nelement",
        "get_device",
        "storage",
        "untyped_storage",
        "__len__",
        "type_as_str",
    }
)
#: Tensor methods that give a NumPy array (they raise on a tensor that requires grad).
NUMPY_METHODS = frozenset({"numpy", "__array__"})
#: NumPy functions that convert a tensor argument through ``Tensor.__array__`` (so raise likewise).
NUMPY_CONVERTERS = frozenset({"numpy.asarray", "numpy.array", "numpy.asanyarray", "numpy.ascontiguousarray"})
#: The keyword arguments ``Tensor.backward`` accepts (any other raises TypeError).
BACKWARD_KEYWORDS = frozenset({"gradient", "retain_graph", "create_graph", "inputs", UNKNOWN_KWARGS_KEY})
#: Methods that turn a tensor into Python numbers or lists (the graph ends there).
TO_PYTHON_METHODS = frozenset({"item", "tolist"})
#: Methods that move a tensor to a device (a copy unless it is there already).
DEVICE_METHODS = frozenset({"cuda", "cpu"})
#: Methods that return the tensor itself when they can (a contiguous tensor stays itself).
SELF_WHEN_POSSIBLE = frozenset({"contiguous"})
#: Index-returning reductions: their result is an integer tensor.
INDEX_RESULTS = frozenset({"argmax"})
#: The dtype torch gives a tensor of each kind when none is asked for.
DEFAULT_DTYPES = {"float": "float32", "int": "int64", "bool": "bool", "complex": "complex64"}
#: The dtype a Python scalar gives (``torch.full``'s fill value, ``torch.tensor(1.0)``).
SCALAR_DTYPES = {bool: "bool", int: "int64", float: "float32", complex: "complex64"}

# --- torch functions that are not tensor operations ---

#: Functions whose results are not tensors in the graph (devices, flags, seeds, contexts).
NON_TENSOR_FUNCTIONS = frozenset(
    {
        "device",
        "cuda.is_available",
        "manual_seed",
        "set_grad_enabled",
        "is_grad_enabled",
        "no_grad",
        "enable_grad",
        "inference_mode",
        "get_default_dtype",
        "is_tensor",
    }
)
#: Sub-packages and functions modelled as opaque: what they return is unknown.
OPAQUE_PREFIXES = (
    "distributions.",
    "utils.",
    "cuda.",
    "backends.",
    "jit.",
    "onnx.",
    "hub.",
    "save",
    "load",
    # Transforms that run the user's code (functional_call, vmap, grad, compile...): their
    # results depend on that code, which the interpreter does not follow through them.
    "func.",
    "vmap",
    "compile",
    "export.",
    "fx.",
    "_dynamo.",
    "autograd.functional.",
    "nn.utils.stateless.",
)
#: Other libraries' functions that copy what they are given.
DEEPCOPY = "copy.deepcopy"
#: Where GradScaler lives (``torch.amp.GradScaler``, the older ``torch.cuda.amp.GradScaler``).
GRAD_SCALERS = ("torch.amp.", "torch.cuda.amp.", "torch.cpu.amp.")
#: Reductions that give one element when called without ``dim`` (``x.sum()``, ``torch.mean(x)``).
FULL_REDUCTIONS = frozenset(
    {
        "sum",
        "mean",
        "norm",
        "prod",
        "std",
        "var",
        "amax",
        "amin",
        "max",
        "min",
        "nansum",
        "nanmean",
        "all",
        "any",
    }
)
#: Factories whose positional arguments are the sizes (``torch.randn(8, 3)``).
SIZED_FACTORIES = frozenset({"randn", "rand", "zeros", "ones", "empty", "randint", "full", "normal"})
#: Activation checkpointing (``torch.utils.checkpoint.checkpoint(fn, *inputs)``).
CHECKPOINT_FUNCTIONS = frozenset({"torch.utils.checkpoint.checkpoint"})
#: Gradient clipping functions (they act on ``.grad`` as it is: scaled, under a GradScaler).
CLIPPING = ("clip_grad_norm_", "clip_grad_value_", "clip_grad_norm")
#: ``functools.partial``: a callable that calls its function with some arguments bound.
PARTIAL = "functools.partial"
SHALLOW_COPY = "copy.copy"
#: Sub-packages of ``torch.optim`` that hold no optimizers.
NOT_OPTIMIZERS = ("torch.optim.lr_scheduler",)
#: Other libraries' functions with a known effect on autograd values.
CHAINING_FUNCTIONS = frozenset({"itertools.chain"})  # concatenates parameter iterables
NUMBER_MODULES = ("math.",)  # Python numbers in, Python numbers out: never a graph
OPAQUE_LIBRARIES = ("numpy.",)  # arrays, not tensors
NUMPY_PREFIX = "numpy."

# --- modules ---

#: Parameters of torch modules that code reads by name (``linear.weight``).
MODULE_PARAMETER_ATTRS = frozenset(
    {"weight", "bias", "in_proj_weight", "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
)
#: ``nn.Module`` methods that return the module itself.
MODULE_SELF_METHODS = frozenset(
    {"to", "double", "float", "half", "cuda", "cpu", "train", "eval", "bfloat16", "type"}
)
#: ``nn.Module`` methods whose result does not matter to autograd.
MODULE_OTHER_METHODS = frozenset({"zero_grad", "apply", "add_module", "load_state_dict", "state_dict"})
#: ``nn.Module`` methods that iterate parameters (the second with names).
PARAMETER_ITERATORS = {"parameters": False, "named_parameters": True}
#: ``nn.Module`` methods that register a hook, and what each hook is called with.
MODULE_HOOKS = {
    "register_forward_hook": "forward",
    "register_forward_pre_hook": "pre",
    "register_full_backward_hook": "backward",
    "register_backward_hook": "backward",
    "register_full_backward_pre_hook": "backward_pre",
}
#: The module that runs its children in order.
SEQUENTIAL = "Sequential"
#: Containers whose entries are parameters, not modules.
PARAMETER_CONTAINERS = frozenset({"ParameterList", "ParameterDict"})
#: Recurrent modules: they return (output, hidden state).
RECURRENT_MODULES = frozenset({"RNN", "LSTM", "GRU"})

# --- shapes (enough to tell one element from many; anything else is not known) ---

#: Tensor methods and torch / ``torch.nn.functional`` functions whose result has their first
#: tensor's shape, broadcast with the other tensors they are given.
ELEMENTWISE = frozenset(
    {
        "abs",
        "add",
        "sub",
        "mul",
        "div",
        "true_divide",
        "pow",
        "neg",
        "exp",
        "log",
        "log1p",
        "expm1",
        "sqrt",
        "rsqrt",
        "square",
        "sin",
        "cos",
        "tan",
        "tanh",
        "sigmoid",
        "relu",
        "gelu",
        "silu",
        "elu",
        "selu",
        "leaky_relu",
        "softplus",
        "mish",
        "hardswish",
        "relu6",
        "softmax",
        "log_softmax",
        "dropout",
        "clamp",
        "clip",
        "sign",
        "floor",
        "ceil",
        "round",
        "reciprocal",
        "erf",
        "masked_fill",
        "where",
        "lerp",
        "maximum",
        "minimum",
        "float",
        "double",
        "half",
        "bfloat16",
        "long",
        "int",
        "bool",
        "to",
        "type_as",
        "cpu",
        "cuda",
        "clone",
        "contiguous",
        "detach",
        "nan_to_num",
        "normalize",
        "layer_norm",
        "logsigmoid",
        "hardtanh",
        "sub_",
        "add_",
        "mul_",
        "div_",
        "clamp_",
        "fill_",
        "zero_",
        "normal_",
        "uniform_",
        "relu_",
        "sigmoid_",
        "tanh_",
        "exp_",
        "pow_",
        "abs_",
    }
)
#: Reductions over ``dim`` (all dimensions without it).
DIM_REDUCTIONS = FULL_REDUCTIONS | {"logsumexp", "argmax", "argmin", "median", "count_nonzero"}
#: Losses computed per element (``reduction="none"`` keeps the broadcast input shape); the
#: others named in ``CLASS_LOSSES`` drop the class dimension (1) of an ``(N, C, ...)`` input.
ELEMENTWISE_LOSSES = frozenset(
    {
        "mse_loss",
        "l1_loss",
        "smooth_l1_loss",
        "huber_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "kl_div",
        "soft_margin_loss",
        "poisson_nll_loss",
    }
)
CLASS_LOSSES = frozenset({"cross_entropy", "nll_loss", "multi_margin_loss"})
#: Loss module classes -> their functional form.
LOSS_MODULES = {
    "MSELoss": "mse_loss",
    "L1Loss": "l1_loss",
    "SmoothL1Loss": "smooth_l1_loss",
    "HuberLoss": "huber_loss",
    "BCELoss": "binary_cross_entropy",
    "BCEWithLogitsLoss": "binary_cross_entropy_with_logits",
    "KLDivLoss": "kl_div",
    "SoftMarginLoss": "soft_margin_loss",
    "PoissonNLLLoss": "poisson_nll_loss",
    "CrossEntropyLoss": "cross_entropy",
    "NLLLoss": "nll_loss",
    "MultiMarginLoss": "multi_margin_loss",
}
#: Modules whose output has their input's shape.
SHAPE_KEEPING_MODULES = frozenset(
    {
        "ReLU",
        "GELU",
        "SiLU",
        "Tanh",
        "Sigmoid",
        "ELU",
        "SELU",
        "LeakyReLU",
        "Softplus",
        "Mish",
        "Hardswish",
        "ReLU6",
        "PReLU",
        "Softmax",
        "LogSoftmax",
        "Dropout",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "Identity",
        "LayerNorm",
        "RMSNorm",
        "GroupNorm",
        "BatchNorm1d",
        "BatchNorm2d",
        "BatchNorm3d",
        "InstanceNorm1d",
        "InstanceNorm2d",
        "InstanceNorm3d",
        "LocalResponseNorm",
    }
)
#: Modules whose constructor's argument at this position (or keyword) is the size of the
#: output's last dimension (Linear) or of a dimension appended (Embedding).
LAST_DIM_MODULES = {"Linear": (1, "out_features"), "LazyLinear": (0, "out_features")}
APPENDED_DIM_MODULES = {"Embedding": (1, "embedding_dim")}
