"""scripts/gen_rule_docs.py rendering, tested on stand-in rules (the registry has its own test)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "gen_rule_docs.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class FakeSignal:
    kind: str
    messages: tuple[str, ...]
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeRule:
    code: str
    name: str
    severity: str
    kind: str
    summary: str
    docs: str
    tags: tuple[str, ...] = ()
    runtime: tuple[FakeSignal, ...] = ()


DOCS = """## What it does
Flags a thing.

## Example
```python
# not a heading
x += 1
```

## Fix safety
{safety}
"""


def _rule(code: str, name: str, safety: str, summary: str = "a | summary") -> FakeRule:
    return FakeRule(code, name, "error", "raises", summary, DOCS.format(safety=safety))


def test_page_has_table_anchors_and_sections(gen: ModuleType) -> None:
    rules = [
        _rule("LEAF102", "inplace-on-leaf", "Unsafe: it changes what is trained."),
        _rule("LEAF101", "optimizer-non-leaf", "No automatic fix: depends on the model."),
        _rule("LEAF105", "numpy-on-grad-tensor", "Safe: `.detach()` only drops the graph."),
    ]
    page = gen.render(rules)
    assert "| [LEAF101](#leaf101) | `optimizer-non-leaf` | raises | error | none | a \\| summary |" in page
    assert "| [LEAF102](#leaf102) | `inplace-on-leaf` | raises | error | unsafe |" in page
    assert "| [LEAF105](#leaf105) | `numpy-on-grad-tensor` | raises | error | safe |" in page
    # Sections in code order, each behind its anchor.
    positions = [page.index(f'<a id="{c}"></a>') for c in ("leaf101", "leaf102", "leaf105", "leaf000")]
    assert positions == sorted(positions)
    assert "## LEAF102 `inplace-on-leaf`" in page
    # Rule headings nest one level down; code fences are left alone.
    assert "### What it does" in page and "\n## What it does" not in page
    assert "# not a heading" in page and "## not a heading" not in page
    assert "- Fix: unsafe" in page


def test_render_is_deterministic(gen: ModuleType) -> None:
    a = [_rule("LEAF2", "b", "No automatic fix."), _rule("LEAF1", "a", "Safe.")]
    assert gen.render(a) == gen.render(list(reversed(a)))


def test_check_mode(gen: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [_rule("LEAF101", "optimizer-non-leaf", "No automatic fix.")]
    monkeypatch.setattr(gen, "load_rules", lambda: rules)
    out = tmp_path / "rules.md"
    assert gen.main(["--check", "--output", str(out)]) == 1  # missing
    assert gen.main(["--output", str(out)]) == 0
    assert gen.main(["--check", "--output", str(out)]) == 0
    out.write_text(out.read_text() + "edited by hand\n")
    assert gen.main(["--check", "--output", str(out)]) == 1


def test_runtime_messages_section(gen: ModuleType) -> None:
    signals = (
        FakeSignal("exception", ("can't optimize a non-leaf Tensor",)),
        FakeSignal("warning", ("`torch.x` is deprecated", "other"), ("FutureWarning", "UserWarning")),
    )
    with_signals = FakeRule(
        "LEAF101", "a", "error", "raises", "s", DOCS.format(safety="Safe."), runtime=signals
    )
    page = gen.render([with_signals, _rule("LEAF102", "b", "Safe.")])
    section = page[page.index("## LEAF101") : page.index("## LEAF102")]
    # After the rule's own docs, at their (demoted) heading level.
    assert section.index("### Fix safety") < section.index("### Run-time message")
    assert "raises an exception of any type whose message contains this text" in section
    assert "- `can't optimize a non-leaf Tensor`" in section
    assert "emits a warning of category `FutureWarning` or `UserWarning`" in section
    assert "one of these texts" in section
    assert "- `` `torch.x` is deprecated ``" in section and "- `other`" in section
    # A rule without signals has no such section.
    assert "Run-time message" not in page[page.index("## LEAF102") :]
