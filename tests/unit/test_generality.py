"""General mechanisms of the interpreter on small programs: containers, aliases, inheritance,
calls and call contexts, hooks, copies, tuple-returning ops, unmodelled calls, and the rules
that depend on them. Each program is written for the mechanism, not taken from a corpus."""

from __future__ import annotations

import textwrap

from leaf_lsp.engine import analyze
from leaf_lsp.fixcheck import apply_edits
from leaf_lsp.model import Analysis, Hint


def run(source: str) -> Analysis:
    """Analyse ``source``; a body appended to PRELUDE starts on line 3."""
    if source.startswith(PRELUDE):
        source = PRELUDE + source[len(PRELUDE) :].lstrip("\n")
    return analyze(textwrap.dedent(source), "prog.py")


def hint(analysis: Analysis, line: int, name: str) -> Hint:
    found = [h for h in analysis.hints if h.line == line and h.name == name]
    assert found, f"no hint for {name} at line {line}: {[(h.line, h.name) for h in analysis.hints]}"
    return found[0]


def facts(analysis: Analysis, line: int, name: str) -> tuple[bool | None, bool | None]:
    h = hint(analysis, line, name)
    return h.is_leaf, h.requires_grad


def codes(analysis: Analysis) -> list[tuple[int, str]]:
    return sorted((d.span.line, d.code) for d in analysis.diagnostics)


PRELUDE = "import torch\nfrom torch import nn\n"


def test_parameters_read_back_from_a_dict_are_still_leaf_parameters() -> None:
    a = run(
        PRELUDE
        + """
weights = {"a": nn.Parameter(torch.randn(3)), "b": nn.Parameter(torch.zeros(3))}
first = weights["a"]
for key, value in weights.items():
    seen = value
every = list(weights.values())
last = every[-1]
"""
    )
    assert facts(a, 4, "first") == (True, True)
    assert facts(a, 6, "seen") == (True, True)
    assert facts(a, 8, "last") == (True, True)


def test_a_list_built_with_append_hands_its_non_leaf_to_the_optimizer() -> None:
    a = run(
        PRELUDE
        + """
group = []
group.extend([nn.Parameter(torch.ones(2))])
group.append(torch.randn(2, requires_grad=True) * 2)
opt = torch.optim.SGD(group, lr=0.1)
"""
    )
    assert codes(a) == [(6, "LEAF101")]


def test_mixed_dict_values_are_unknown_not_the_first_one() -> None:
    a = run(
        PRELUDE
        + """
mixed = {"p": nn.Parameter(torch.ones(2)), "q": torch.ones(2, requires_grad=True) * 3}
def pick(d, k):
    return d[k]
chosen = pick(mixed, unknown_key)
"""
    )
    assert facts(a, 6, "chosen") == (None, True)


def test_in_place_on_a_view_of_a_leaf_raises_but_not_under_no_grad() -> None:
    a = run(
        PRELUDE
        + """
w = torch.randn(4, requires_grad=True)
head = w[:2]
with torch.no_grad():
    w[:2].mul_(0.5)
head.add_(1)
"""
    )
    assert codes(a) == [(7, "LEAF102")]


def test_numpy_conversions_of_a_tensor_that_requires_grad() -> None:
    source = PRELUDE + "import numpy as np\nw = torch.ones(2, requires_grad=True)\narr = np.asarray(w * 2)\n"
    a = run(source)
    assert codes(a) == [(5, "LEAF105")]
    (diag,) = a.diagnostics
    assert diag.fix is not None
    fixed = apply_edits(source, diag.fix.edits)
    compile(fixed, "fixed.py", "exec")
    assert "np.asarray(w * 2)" not in fixed
    assert ".detach()" in fixed.splitlines()[4]


def test_keyword_arguments_pass_through_to_the_factory_and_the_report_stays_in_the_helper() -> None:
    a = run(
        PRELUDE
        + """
def zeros(*shape, **options):
    return torch.zeros(*shape, **options)

def table(n, **options):
    return zeros(n, n, **options)

ok = table(2, requires_grad=True)
bad = table(3, dtype=torch.long, requires_grad=True)
"""
    )
    assert codes(a) == [(4, "LEAF104")]
    assert facts(a, 9, "ok") == (True, True)


def test_defaults_reach_the_callee() -> None:
    a = run(
        PRELUDE
        + """
def widen(t, dtype=torch.float64):
    return t.to(dtype)
leaf = torch.ones(2, requires_grad=True)
wide = widen(leaf)
same = widen(leaf, torch.float32)
"""
    )
    assert facts(a, 6, "wide") == (False, True)
    assert facts(a, 7, "same") == (True, True)


def test_deepcopy_gives_fresh_leaf_parameters_with_the_same_flag() -> None:
    a = run(
        PRELUDE
        + """
import copy
student = nn.Linear(2, 2)
teacher = copy.deepcopy(student)
for p in teacher.parameters():
    p.requires_grad_(False)
tw = teacher.weight
sw = student.weight
"""
    )
    assert facts(a, 8, "tw") == (True, False)
    assert facts(a, 9, "sw") == (True, True)


def test_a_forward_hook_receives_the_module_output() -> None:
    a = run(
        PRELUDE
        + """
def watch(module, inputs, output):
    values = output.numpy()

layer = nn.Linear(2, 2)
layer.register_forward_hook(watch)
with torch.no_grad():
    layer(torch.ones(1, 2))
layer(torch.ones(1, 2))
"""
    )
    assert codes(a) == [(4, "LEAF105")]


def test_indices_of_tuple_returning_ops_never_require_grad() -> None:
    a = run(
        PRELUDE
        + """
scores = nn.Linear(3, 4)(torch.randn(2, 3))
best, where = scores.max(dim=1)
top = torch.topk(scores, 2).indices
order = scores.sort(dim=1)[1]
hard = scores.argmax(1).long()
labels = (scores > 0).int()
"""
    )
    assert facts(a, 4, "best") == (False, True)
    assert facts(a, 4, "where") == (True, False)
    assert facts(a, 5, "top") == (True, False)
    assert facts(a, 6, "order") == (True, False)
    assert facts(a, 7, "hard") == (True, False)
    assert facts(a, 8, "labels") == (True, False)


def test_loss_of_integer_targets_is_float_and_can_require_grad() -> None:
    a = run(
        PRELUDE
        + """
import torch.nn.functional as F
logits = nn.Linear(3, 4)(torch.randn(2, 3))
loss = F.cross_entropy(logits, torch.tensor([0, 1]))
loss.requires_grad_()
"""
    )
    assert codes(a) == []
    assert facts(a, 5, "loss") == (False, True)


def test_calls_the_engine_does_not_model_give_unknown_facts() -> None:
    a = run(
        PRELUDE
        + """
import einops
from torch.func import functional_call
net = nn.Linear(2, 2)
x = torch.ones(1, 2)
out = functional_call(net, dict(net.named_parameters()), (x,))
loss = torch.nn.functional.mse_loss(out, x)
flat = einops.rearrange(x, "b c -> (b c)")
loss.backward()
"""
    )
    assert all(h.requires_grad is None for h in a.hints if h.name == "out")
    assert facts(a, 8, "loss") == (None, None)
    assert facts(a, 9, "flat") == (None, None)
    assert codes(a) == []


def test_a_subclass_of_a_torch_module_has_its_parameters_and_forward() -> None:
    a = run(
        PRELUDE
        + """
class Scaled(nn.Linear):
    def forward(self, x):
        return super().forward(x) * 2

layer = Scaled(2, 2)
weight = layer.weight
out = layer(torch.ones(1, 2))
"""
    )
    assert facts(a, 8, "weight") == (True, True)
    assert facts(a, 9, "out") == (False, True)
    assert codes(a) == []


def test_a_submodule_forward_never_reaches_is_unused() -> None:
    a = run(
        PRELUDE
        + """
class Options:
    extra = False

class Net(nn.Module):
    def __init__(self, options):
        super().__init__()
        self.options = options
        self.body = nn.Linear(2, 2)
        self.extra = nn.Linear(2, 2)

    def forward(self, x):
        x = self.body(x)
        if self.options.extra:
            x = self.extra(x)
        return x

net = Net(Options())
net(torch.ones(1, 2)).sum().backward()
"""
    )
    assert codes(a) == [(11, "LEAF207")]


def test_a_generator_of_parameters_feeds_the_optimizer() -> None:
    a = run(
        PRELUDE
        + """
net = nn.Linear(2, 2)
def groups():
    yield from net.parameters()
    yield torch.ones(2, requires_grad=True) * 0.5
opt = torch.optim.Adam(groups())
"""
    )
    assert codes(a) == [(7, "LEAF101")]


def test_manual_updates_in_a_helper_without_zeroing_accumulate() -> None:
    source = (
        PRELUDE
        + """
w = torch.ones(2, requires_grad=True)
def update(t, lr):
    with torch.no_grad():
        t -= lr * t.grad
def clear(t):
    t.grad = None
for _ in range(3):
    (w * 2).sum().backward()
    update(w, 0.1)
"""
    )
    assert codes(run(source)) == [(10, "LEAF209")]
    assert codes(run(source + "    clear(w)\n")) == []


def test_changing_a_waiting_graph_result_through_data() -> None:
    a = run(
        PRELUDE
        + """
x = torch.ones(2, requires_grad=True)
y = torch.sigmoid(x)
y.data.clamp_(0.2, 0.8)
y.sum().backward()
z = torch.sigmoid(x)
z.sum().backward()
z.data.zero_()
"""
    )
    assert codes(a) == [(5, "LEAF206")]


def test_a_function_run_with_grad_and_under_no_grad_shows_the_grad_value() -> None:
    a = run(
        PRELUDE
        + """
net = nn.Linear(2, 2)
def score(x):
    out = net(x)
    return out.sum()
score(torch.ones(1, 2)).backward()
with torch.no_grad():
    score(torch.ones(1, 2))
"""
    )
    h = hint(a, 5, "out")
    assert (h.is_leaf, h.requires_grad) == (False, True)
    assert any("no_grad" in step.text and "line 9" in step.text for step in h.reason)
