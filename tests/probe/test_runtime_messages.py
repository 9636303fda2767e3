"""Every rule's declared run-time messages match what torch really says (programs run by the probe).

Each trigger is a small program that makes torch raise or warn the way a rule describes; the
probe's worker runs it under torch in a subprocess, and the tests check that the exception or
warning it recorded maps to the rule, and that every text a rule declares occurs in a message
torch actually produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from leaf_lsp.probe import ProbeResult, ProbeWorker
from leaf_lsp.probe.diagnose import exception_code, runtime_diagnostics, warning_code
from leaf_lsp.rules.base import all_rules

# Generous: the first run in a fresh worker may import optimizers and friends on a busy machine.
TIMEOUT = 300.0


@dataclass(frozen=True)
class Trigger:
    """A program whose last line raises (``kind`` "exception") or warns as rule ``code`` describes."""

    code: str
    name: str
    kind: str
    source: str
    #: The line the rule reports it at, when that is not the line where torch raises or warns.
    report_line: int | None = None


def _t(code: str, name: str, kind: str, *body: str, report_line: int | None = None) -> Trigger:
    source = "\n".join(("import torch", "import torch.nn as nn", *body)) + "\n"
    return Trigger(code, name, kind, source, report_line)


TRIGGERS = [
    _t(
        "LEAF101",
        "optimizer",
        "exception",
        "w = torch.randn(3, requires_grad=True) * 0.01",
        "torch.optim.SGD([w], lr=0.1)",
    ),
    _t("LEAF102", "augmented", "exception", "w = torch.randn(3, requires_grad=True)", "w -= 0.1"),
    _t("LEAF102", "method", "exception", "w = torch.randn(3, requires_grad=True)", "w.add_(1)"),
    _t("LEAF102", "view", "exception", "w = torch.randn(3, requires_grad=True)", "w[0] = 1.0"),
    _t(
        "LEAF103",
        "backward",
        "exception",
        "x = torch.randn(3, requires_grad=True)",
        "(x.detach() * 2).sum().backward()",
    ),
    _t(
        "LEAF103",
        "autograd-grad",
        "exception",
        "x = torch.randn(3, requires_grad=True)",
        "torch.autograd.grad((x.detach() * 2).sum(), x)",
    ),
    _t("LEAF104", "factory", "exception", "x = torch.tensor([1, 2, 3], requires_grad=True)"),
    _t("LEAF104", "parameter", "exception", "p = nn.Parameter(torch.tensor([1, 2]))"),
    _t("LEAF104", "setter", "exception", "t = torch.tensor([1, 2])", "t.requires_grad = True"),
    _t("LEAF104", "method", "exception", "t = torch.tensor([1, 2])", "t.requires_grad_()"),
    _t("LEAF105", "numpy", "exception", "x = torch.randn(3, requires_grad=True)", "a = (x * 2).numpy()"),
    _t(
        "LEAF106",
        "setter",
        "exception",
        "x = torch.randn(3, requires_grad=True)",
        "out = x * 2",
        "out.requires_grad = False",
    ),
    _t(
        "LEAF106",
        "method",
        "exception",
        "x = torch.randn(3, requires_grad=True)",
        "out = x * 2",
        "out.requires_grad_(False)",
    ),
    _t(
        "LEAF107",
        "twice",
        "exception",
        "x = torch.randn(3, requires_grad=True)",
        "loss = x.exp().sum()",
        "loss.backward()",
        "loss.backward()",
    ),
    _t(
        "LEAF108",
        "saved",
        "exception",
        "u = torch.randn(3, requires_grad=True)",
        "uexp = u.exp()",
        "uexp.add_(1)",
        "uexp.sum().backward()",
    ),
    _t(
        "LEAF201",
        "grad",
        "warning",
        "a = torch.randn(3, requires_grad=True)",
        "b = a * 2",
        "b.sum().backward()",
        "g = b.grad",
    ),
    _t("LEAF208", "parsed-keyword", "exception", "x = torch.randn(3, requires_grads=True)"),
    _t("LEAF208", "keyword", "exception", "x = torch.zeros(3, require_grad=True)"),
    _t("LEAF208", "tensor", "exception", "x = torch.tensor([1.0], requires_grads=True)"),
    _t("LEAF208", "parameter", "exception", "p = nn.Parameter(torch.randn(3), require_grad=True)"),
    _t(
        "LEAF213",
        "copy",
        "warning",
        "t = torch.randn(3, requires_grad=True)",
        "c = torch.tensor(t)",
    ),
    _t("LEAF301", "weight-norm", "warning", "layer = torch.nn.utils.weight_norm(nn.Linear(2, 2))"),
    _t(
        "LEAF110",
        "inference-mode",
        "exception",
        "w = torch.randn(3, requires_grad=True)",
        "with torch.inference_mode():",
        "    mask = torch.ones(3)",
        "out = w * mask",
    ),
    _t(
        "LEAF109",
        "non-scalar",
        "exception",
        "x = torch.randn(4, 3, requires_grad=True)",
        "per_sample = (x * 2).pow(2).mean(dim=1)",
        "per_sample.backward()",
    ),
    _t(
        "LEAF214",
        "checkpoint-frozen",
        "warning",
        "import torch.utils.checkpoint",
        "block = nn.Linear(2, 2)",
        "h = torch.utils.checkpoint.checkpoint(block, torch.randn(1, 2), use_reentrant=True)",
    ),
    _t(
        "LEAF111",
        "function-arity",
        "exception",
        "class Scale(torch.autograd.Function):",
        "    @staticmethod",
        "    def forward(ctx, x, factor):",
        "        return x * factor",
        "    @staticmethod",
        "    def backward(ctx, grad):",
        "        return grad",
        "Scale.apply(torch.ones(2, requires_grad=True), 2.0).sum().backward()",
        report_line=9,  # the `return` in backward, not the outer backward() where torch raises
    ),
    _t(
        "LEAF303",
        "backward-hook",
        "warning",
        "layer = nn.Sequential(nn.Linear(2, 2), nn.ReLU())",
        "layer.register_backward_hook(lambda module, grad_in, grad_out: None)",
        "layer(torch.randn(1, 2, requires_grad=True)).sum().backward()",
        report_line=4,  # the registering call: torch warns later, in the hooked forward
    ),
    _t(
        "LEAF112",
        "unscale-twice",
        "exception",
        "model = nn.Linear(2, 1)",
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)",
        "scaler = torch.amp.GradScaler('cpu')",
        "scaler.scale(model(torch.ones(3, 2)).sum()).backward()",
        "scaler.unscale_(opt)",
        "scaler.unscale_(opt)",
    ),
]

#: Declared texts that torch 2.13 never produces, each with its silent program: kept so that a
#: torch version that does emit them maps the same way.
UNEMITTED = {
    ("LEAF301", "torch.nn.utils.spectral_norm"): _t(
        "LEAF301", "spectral-norm", "warning", "layer = torch.nn.utils.spectral_norm(nn.Linear(2, 2))"
    ),
}


@pytest.fixture(scope="module")
def results(worker: ProbeWorker, tmp_path_factory: pytest.TempPathFactory) -> dict[Trigger, ProbeResult]:
    """Each trigger (and each silent program) as the probe ran it."""
    folder = tmp_path_factory.mktemp("triggers")
    out = {}
    for i, trigger in enumerate([*TRIGGERS, *UNEMITTED.values()]):
        path = folder / f"t{i}_{trigger.code}_{trigger.name}.py"
        path.write_text(trigger.source, encoding="utf-8")
        out[trigger] = worker.run(str(path), cwd=str(folder), timeout=TIMEOUT)
    return out


def _messages(result: ProbeResult, kind: str) -> list[tuple[str, str]]:
    """(type or category, message) of what the program raised or warned."""
    if kind == "exception":
        return [(result.exception.type, result.exception.message)] if result.exception else []
    return [(w.category, w.message) for w in result.warnings]


@pytest.mark.parametrize("trigger", TRIGGERS, ids=[f"{t.code}-{t.name}" for t in TRIGGERS])
def test_trigger_maps_to_its_rule(trigger: Trigger, results: dict[Trigger, ProbeResult]) -> None:
    result = results[trigger]
    assert result.error is None, result.error
    last_line = trigger.source.count("\n")
    if trigger.kind == "exception":
        assert result.exception is not None, "the program did not raise"
        assert exception_code(result.exception) == trigger.code, result.exception
        assert result.exception.line == last_line
    else:
        assert result.exception is None, result.exception
        codes = [warning_code(w) for w in result.warnings]
        assert trigger.code in codes, result.warnings
    located = {(d.code, d.span.line) for d in runtime_diagnostics(result, trigger.source)}
    assert (trigger.code, trigger.report_line or last_line) in located
    if trigger.report_line is not None:
        assert (trigger.code, last_line) not in located


def test_every_declared_text_occurs_in_a_real_torch_message(results: dict[Trigger, ProbeResult]) -> None:
    unmatched = []
    for rule in all_rules():
        for signal in rule.runtime:
            seen = [
                message
                for trigger in TRIGGERS
                if trigger.code == rule.code and trigger.kind == signal.kind
                for type_name, message in _messages(results[trigger], signal.kind)
                if not signal.types or type_name in signal.types
            ]
            for needle in signal.messages:
                if (rule.code, needle) in UNEMITTED:
                    continue
                if not any(needle in message for message in seen):
                    unmatched.append((rule.code, needle, seen))
    assert not unmatched, "declared run-time texts that torch did not produce: " + repr(unmatched)


@pytest.mark.parametrize("key", sorted(UNEMITTED), ids=[f"{c}-{n}" for c, n in sorted(UNEMITTED)])
def test_unemitted_texts_are_really_not_emitted(
    key: tuple[str, str], results: dict[Trigger, ProbeResult]
) -> None:
    """If torch starts emitting one, it belongs among the verified triggers instead."""
    result = results[UNEMITTED[key]]
    assert result.error is None and result.exception is None, (result.error, result.exception)
    assert not [w for w in result.warnings if key[1] in w.message]


def test_every_signal_has_a_trigger() -> None:
    triggered = {(t.code, t.kind) for t in TRIGGERS}
    missing = [(r.code, s.kind) for r in all_rules() for s in r.runtime if (r.code, s.kind) not in triggered]
    assert not missing, "rules whose run-time messages no trigger program checks: " + repr(missing)
    assert {t.code for t in TRIGGERS} <= {r.code for r in all_rules() if r.runtime}
