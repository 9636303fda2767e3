"""The probe maps run-time messages with the rules' own signals, and knows no second table of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaf_lsp.probe import diagnose
from leaf_lsp.probe.diagnose import exception_code, rule_name, warning_code
from leaf_lsp.probe.result import ProbeException, ProbeWarning
from leaf_lsp.rules.base import Rule, RuntimeSignal, all_rules, raises, runtime_signals, warns

DIAGNOSE = Path(diagnose.__file__).read_text(encoding="utf-8")

# Every (rule, signal, text) the registry declares, for the per-signal tests.
DECLARED = [(r, s, m) for r in all_rules() for s in r.runtime for m in s.messages]
IDS = [f"{r.code}-{m[:30]}" for r, _, m in DECLARED]


def _classify(kind: str, type_name: str, message: str) -> str | None:
    if kind == "exception":
        return exception_code(ProbeException(type_name, message, 1))
    return warning_code(ProbeWarning(type_name, message, 1))


def _a_type(signal: RuntimeSignal) -> str:
    """A type the signal accepts (any is accepted when it names none)."""
    if signal.types:
        return signal.types[0]
    return "RuntimeError" if signal.kind == "exception" else "UserWarning"


def test_every_raising_rule_declares_its_exception() -> None:
    missing = [
        r.code
        for r in all_rules()
        if r.kind == "raises" and not any(s.kind == "exception" for s in r.runtime)
    ]
    assert not missing, "rules of kind 'raises' with no run-time exception declared: " + ", ".join(missing)


def test_diagnose_keeps_no_table_of_rule_codes_names_or_texts() -> None:
    assert set(re.findall(r"LEAF\d{3}", DIAGNOSE)) <= {"LEAF900", "LEAF901"}
    for rule in all_rules():
        assert f'"{rule.name}"' not in DIAGNOSE, rule.name
        for signal in rule.runtime:
            for message in signal.messages:
                assert message not in DIAGNOSE, (rule.code, message)


def test_names_come_from_the_registry() -> None:
    for rule in all_rules():
        assert rule_name(rule.code) == rule.name
    assert rule_name(diagnose.DISAGREEMENT_CODE) == "probe-disagreement"
    assert rule_name(diagnose.RUNTIME_EXCEPTION_CODE) == "runtime-exception"
    assert {diagnose.DISAGREEMENT_CODE, diagnose.RUNTIME_EXCEPTION_CODE}.isdisjoint(
        r.code for r in all_rules()
    )


@pytest.mark.parametrize(("owner", "signal", "message"), DECLARED, ids=IDS)
def test_each_declared_text_maps_to_its_rule(owner: Rule, signal: RuntimeSignal, message: str) -> None:
    for type_name in signal.types or (_a_type(signal),):
        assert _classify(signal.kind, type_name, f"prefix {message} suffix") == owner.code


@pytest.mark.parametrize(("owner", "signal", "message"), DECLARED, ids=IDS)
def test_near_misses_of_each_declared_text_map_to_nothing(
    owner: Rule, signal: RuntimeSignal, message: str
) -> None:
    kind, type_name = signal.kind, _a_type(signal)
    assert _classify(kind, type_name, message[:-1]) is None  # a truncated text
    assert _classify(kind, type_name, message.upper()) is None  # matching is case-sensitive
    other_kind = "warning" if kind == "exception" else "exception"
    assert _classify(other_kind, type_name, message) is None  # an exception text in a warning, or back
    if signal.types:
        wrong = "ValueError" if kind == "exception" else "RuntimeWarning"
        assert wrong not in signal.types
        assert _classify(kind, wrong, message) is None


@pytest.mark.parametrize(
    ("kind", "type_name", "message", "code"),
    [
        # The typo is a TypeError; the same word in another exception is something else.
        ("exception", "RuntimeError", "got an unexpected keyword argument 'requires_grads'", None),
        ("exception", "TypeError", "got an unexpected keyword argument 'requires_grad'", None),
        # The TypeError signal is tried first, whatever other texts the message holds.
        ("exception", "TypeError", "require_grad: can't optimize a non-leaf Tensor", "LEAF208"),
        ("exception", "ValueError", "require_grad: can't optimize a non-leaf Tensor", "LEAF101"),
        # Deprecation texts only count in the declared categories.
        ("warning", "RuntimeWarning", "`torch.nn.utils.weight_norm` is deprecated", None),
        ("warning", "DeprecationWarning", "torch.nn.utils.spectral_norm is deprecated", "LEAF301"),
        ("warning", "UserWarning", "torch.nn.utils.parametrizations.weight_norm", None),
        # Both spellings of LEAF104, nothing else.
        (
            "exception",
            "RuntimeError",
            "only Tensors of floating point dtype can require gradients",
            "LEAF104",
        ),
        ("exception", "RuntimeError", "Only Tensors of floating point and complex dtype", "LEAF104"),
        ("exception", "RuntimeError", "ONLY TENSORS OF FLOATING POINT", None),
        ("exception", "RuntimeError", "", None),
        ("warning", "UserWarning", "", None),
    ],
)
def test_near_misses_and_overlaps(kind: str, type_name: str, message: str, code: str | None) -> None:
    assert _classify(kind, type_name, message) == code


def test_matching_order_is_priority_then_code() -> None:
    for kind in ("exception", "warning"):
        order = [(-s.priority, r.code) for s, r in runtime_signals(kind)]
        assert order == sorted(order)
        assert all(s.kind == kind for s, _ in runtime_signals(kind))


def test_signal_helpers_and_validation() -> None:
    assert raises("a", "b", types=("TypeError",)) == RuntimeSignal("exception", ("a", "b"), ("TypeError",))
    assert warns("a") == RuntimeSignal("warning", ("a",))
    assert warns("a", categories=("FutureWarning",)).matches("warning", "FutureWarning", "xay")
    assert not warns("a", categories=("FutureWarning",)).matches("warning", "UserWarning", "xay")
    with pytest.raises(ValueError):
        raises()
    with pytest.raises(ValueError):
        raises("")
