"""Rule fixtures: each ``tests/fixtures/rules/CODE*.py`` has a trigger section and a
"does not trigger" section; ``CODE*.txt`` lists the expected ``line:col CODE message``.

Regenerate with ``pytest tests/unit/test_rule_fixtures.py --update-fixtures`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_lsp.engine import analyze
from leaf_lsp.rules.base import all_rules

FIXTURES = Path(__file__).parent.parent / "fixtures" / "rules"
CASES = sorted(FIXTURES.glob("*.py"))
MARKER = "# --- does not trigger ---"


def render(path: Path) -> str:
    analysis = analyze(path.read_text(), str(path))
    lines = [f"{d.span.line}:{d.span.col + 1} {d.code} {d.message}" for d in analysis.diagnostics]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_rule_fixture(case: Path, update_fixtures: bool) -> None:
    expected_file = case.with_suffix(".txt")
    got = render(case)
    if update_fixtures or not expected_file.exists():
        expected_file.write_text(got)
    assert got == expected_file.read_text()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_code_of_fixture_fires_only_above_the_marker(case: Path) -> None:
    code = case.stem[:7]
    source = case.read_text()
    marker_line = next((i for i, line in enumerate(source.splitlines(), 1) if line.strip() == MARKER), None)
    diagnostics = analyze(source, str(case)).diagnostics
    own = [d for d in diagnostics if d.code == code]
    before = source.split(MARKER)[0]
    trigger_code = [
        ln for ln in before.splitlines() if ln.strip() and not ln.startswith(("import", "from", "#"))
    ]
    if trigger_code:
        assert own, f"{case.name}: {code} never fires in its trigger section"
    if marker_line is not None:
        assert all(d.span.line < marker_line for d in own), f"{case.name}: {code} fires below the marker"


def test_every_rule_has_a_fixture() -> None:
    stems = {c.stem[:7] for c in CASES}
    missing = [r.code for r in all_rules() if r.code not in stems]
    assert not missing, f"rules without fixtures: {missing}"
