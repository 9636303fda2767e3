"""Rule selection, severity overrides, lenient settings parsing and ``# noqa``."""

from __future__ import annotations

from leaf_lsp.engine import analyze
from leaf_lsp.settings import Settings
from leaf_lsp.suppress import disable_edit, is_suppressed, noqa_codes

SOURCE = """import torch
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 2
b.sum().backward()
print(b.grad)
"""


def codes(source: str, settings: Settings | None = None) -> list[str]:
    return [d.code for d in analyze(source, "x.py", settings).diagnostics]


def test_select_and_ignore_by_prefix() -> None:
    assert codes(SOURCE) == ["LEAF201"]
    assert codes(SOURCE, Settings(ignore=("LEAF2",))) == []
    assert codes(SOURCE, Settings(select=("LEAF1",))) == []
    assert codes(SOURCE, Settings(select=("LEAF201",), ignore=("LEAF2",))) == ["LEAF201"]


def test_per_file_ignores() -> None:
    settings = Settings(per_file_ignores=(("tests/*.py", ("LEAF201",)),))
    assert [d.code for d in analyze(SOURCE, "tests/x.py", settings).diagnostics] == []
    assert [d.code for d in analyze(SOURCE, "src/x.py", settings).diagnostics] == ["LEAF201"]


def test_severity_override() -> None:
    settings, problems = Settings.from_mapping({"severity": {"LEAF201": "information"}})
    assert problems == []
    assert analyze(SOURCE, "x.py", settings).diagnostics[0].severity == "information"


def test_invalid_settings_give_problems_and_defaults() -> None:
    settings, problems = Settings.from_mapping(
        {"select": 3, "ignore": ["NOPE1"], "severity": {"LEAF201": "loud"}, "per-file-ignores": []}
    )
    assert settings.select == ("LEAF",)
    assert len(problems) == 4


def test_noqa_variants() -> None:
    assert codes(SOURCE.replace("print(b.grad)", "print(b.grad)  # noqa")) == []
    assert codes(SOURCE.replace("print(b.grad)", "print(b.grad)  # noqa: LEAF201")) == []
    assert codes(SOURCE.replace("print(b.grad)", "print(b.grad)  # noqa: LEAF101")) == ["LEAF201"]
    assert noqa_codes("x  # NOQA: leaf101, LEAF2") == frozenset({"LEAF101", "LEAF2"})
    assert is_suppressed("LEAF203", "x  # noqa: LEAF2")


def test_disable_edit_adds_or_extends() -> None:
    edit = disable_edit(5, "print(b.grad)", "LEAF201")
    assert edit is not None and edit.new_text == "  # noqa: LEAF201"
    extended = disable_edit(5, "print(b.grad)  # noqa: LEAF101", "LEAF201")
    assert extended is not None and extended.new_text == "# noqa: LEAF101, LEAF201"
    assert disable_edit(5, "print(b.grad)  # noqa", "LEAF201") is None


def test_cancelled_analysis_stops_and_says_so() -> None:
    source = "import torch\n" + "x = torch.zeros(3, requires_grad=True)\ny = x * 2\n" * 200
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return True

    analysis = analyze(source, "x.py", Settings(cancelled=cancelled))
    assert analysis.cancelled and calls
    assert not analyze(source, "x.py", Settings(cancelled=lambda: False)).cancelled
