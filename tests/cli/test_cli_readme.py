"""The README's 30-second example prints what the README says (the real CLI, in a subprocess)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _block_after(marker: str) -> str:
    start = README.index(marker)
    fence = README.index("```", start + len(marker))
    return README[start + len(marker) : fence]


def test_the_30_second_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    program = _block_after("```python\n# buggy.py\n")
    (tmp_path / "buggy.py").write_text(program.replace("# buggy.py\n", ""), encoding="utf-8")
    session = _block_after("$ leaf-lsp --check buggy.py\n")
    shown = session.split("\n\n", 1)[0].strip().splitlines()
    proc = subprocess.run(
        [sys.executable, "-m", "leaf_lsp", "--check", "buggy.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    printed = [line for line in proc.stdout.splitlines() if not re.match(r"^\(\d+ hidden fix", line)]
    assert printed == shown
    assert proc.returncode == 1
