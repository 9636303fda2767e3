"""The code examples of the seed documents, with the diagnostics torch's behaviour calls for.

The documents get several facts wrong (see the taxonomy): their "correct" weight update in
``forward`` still mutates ``.data`` every call (LEAF206), their plain tensor bias does not raise
but is silently never trained (LEAF203), and ``alpha.clone().detach()`` does not train ``alpha``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaf_lsp.engine import analyze

SEEDS = Path(__file__).parent.parent / "seeds"
EXPECTED = {k: v for k, v in json.loads((SEEDS / "expected.json").read_text()).items() if k.endswith(".py")}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_example(name: str) -> None:
    path = SEEDS / name
    reported = [[d.span.line, d.code] for d in analyze(path.read_text(), str(path)).diagnostics]
    assert reported == EXPECTED[name]


def test_every_seed_example_has_an_expectation() -> None:
    assert {p.name for p in SEEDS.glob("*.py")} == set(EXPECTED)
