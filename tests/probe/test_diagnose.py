"""Run-time messages map to LEAF codes exactly as the taxonomy lists them."""

from __future__ import annotations

import pytest

from leaf_lsp.probe import RUNTIME_EXCEPTION_CODE, ProbeResult
from leaf_lsp.probe.diagnose import exception_code, line_span, runtime_diagnostics, warning_code
from leaf_lsp.probe.result import ProbeException, ProbeWarning, fill_from_child


@pytest.mark.parametrize(
    ("kind", "message", "code"),
    [
        ("ValueError", "can't optimize a non-leaf Tensor", "LEAF101"),
        (
            "RuntimeError",
            "a leaf Variable that requires grad is being used in an in-place operation.",
            "LEAF102",
        ),
        (
            "RuntimeError",
            "a view of a leaf Variable that requires grad is being used in an in-place operation.",
            "LEAF102",
        ),
        ("RuntimeError", "element 0 of tensors does not require grad and does not have a grad_fn", "LEAF103"),
        ("RuntimeError", "Only Tensors of floating point and complex dtype can require gradients", "LEAF104"),
        ("RuntimeError", "only Tensors of floating point and complex dtype can require gradients", "LEAF104"),
        ("RuntimeError", "only Tensors of floating point dtype can require gradients", "LEAF104"),
        (
            "RuntimeError",
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
            "LEAF105",
        ),
        ("RuntimeError", "you can only change requires_grad flags of leaf variables.", "LEAF106"),
        ("RuntimeError", "Trying to backward through the graph a second time (or ...)", "LEAF107"),
        (
            "RuntimeError",
            "one of the variables needed for gradient computation has been modified by an inplace operation: ...",
            "LEAF108",
        ),
        (
            "TypeError",
            "randn() received an invalid combination of arguments - got (int, requires_grads=bool)",
            "LEAF208",
        ),
        ("TypeError", "__init__() got an unexpected keyword argument 'require_grad'", "LEAF208"),
        ("TypeError", "unsupported operand type(s)", None),
        ("NameError", "name 'x' is not defined", None),
    ],
)
def test_exception_codes(kind: str, message: str, code: str | None) -> None:
    assert exception_code(ProbeException(kind, message, 1)) == code


@pytest.mark.parametrize(
    ("category", "message", "code"),
    [
        (
            "UserWarning",
            "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed.",
            "LEAF201",
        ),
        (
            "UserWarning",
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach()",
            "LEAF213",
        ),
        (
            "FutureWarning",
            "`torch.nn.utils.weight_norm` is deprecated in favor of `torch.nn.utils.parametrizations.weight_norm`.",
            "LEAF301",
        ),
        ("UserWarning", "something else entirely", None),
    ],
)
def test_warning_codes(category: str, message: str, code: str | None) -> None:
    assert warning_code(ProbeWarning(category, message, 1)) == code


def test_unmapped_exception_becomes_runtime_exception() -> None:
    source = "import torch\n    x = undefined_name\n"
    result = ProbeResult(
        path="x.py", exception=ProbeException("NameError", "name 'undefined_name' is not defined", 2)
    )
    (d,) = runtime_diagnostics(result, source)
    assert (d.code, d.severity, d.span.line, d.span.col) == (RUNTIME_EXCEPTION_CODE, "warning", 2, 4)
    assert "NameError" in d.message


def test_unmapped_warning_and_lineless_items_are_not_reported() -> None:
    result = ProbeResult(
        path="x.py",
        exception=ProbeException("SystemExit", "2", None),
        warnings=[
            ProbeWarning("DeprecationWarning", "x", 1),
            ProbeWarning("UserWarning", "To copy construct from a tensor", None),
        ],
    )
    assert runtime_diagnostics(result, "a = 1\n") == []


def test_line_span_past_the_end_is_empty() -> None:
    span = line_span(["a = 1"], 7)
    assert (span.line, span.col, span.end_col) == (7, 0, 0)


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "x",
        {"facts": "nope"},
        {"facts": [1, {"line": "2"}, {"line": 2}]},
        {"exception": [1]},
        {"warnings": [None]},
    ],
)
def test_malformed_child_output_never_raises(data: object) -> None:
    result = ProbeResult(path="x.py")
    fill_from_child(result, data)
    assert result.facts == []
