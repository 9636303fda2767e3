"""Fix fixtures: ``tests/fixtures/fixes/NAME.in.py`` fixed (safe and unsafe fixes, until stable)
must equal ``NAME.out.py``, parse, and leave none of the fixed diagnostics behind.

Regenerate with ``pytest tests/unit/test_fix_fixtures.py --update-fixtures`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from leaf_lsp.engine import analyze
from leaf_lsp.fixcheck import parses
from leaf_lsp.fixes import fix_all

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fixes"
CASES = sorted(FIXTURES.glob("*.in.py"))


@pytest.mark.parametrize("case", CASES, ids=[c.name[:-6] for c in CASES])
def test_fix_fixture(case: Path, update_fixtures: bool) -> None:
    source = case.read_text()
    before = analyze(source, str(case))
    fixable = {d.code for d in before.diagnostics if d.fix is not None}
    assert fixable, f"{case.name} offers no fix"
    fixed, applied, remaining = fix_all(source, str(case), None, unsafe=True)
    assert applied >= 1
    assert parses(fixed)
    assert not [d for d in remaining.diagnostics if d.code in fixable and d.fix is not None]
    expected = case.with_name(case.name.replace(".in.py", ".out.py"))
    if update_fixtures or not expected.exists():
        expected.write_text(fixed)
    assert fixed == expected.read_text()


@pytest.mark.parametrize("case", CASES, ids=[c.name[:-6] for c in CASES])
def test_safe_fixes_only_apply_safe_edits(case: Path) -> None:
    source = case.read_text()
    safe_codes = {d.code for d in analyze(source, str(case)).diagnostics if d.fix is not None and d.fix.safe}
    fixed, applied, _ = fix_all(source, str(case), None, unsafe=False)
    assert parses(fixed)
    if not safe_codes:
        assert fixed == source and applied == 0
