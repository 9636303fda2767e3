"""The engine is pure: importing and running it pulls in neither torch nor pygls."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from leaf_lsp.engine import analyze
a = analyze("import torch\\nx = torch.zeros(3, requires_grad=True)\\nx += 1\\n", "t.py")
assert [d.code for d in a.diagnostics] == ["LEAF102"], a.diagnostics
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "pygls", "lsprotocol", "jedi"))
print(",".join(bad))
"""


def test_engine_imports_neither_torch_nor_pygls() -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
