"""Render the child's DOT text of an autograd graph to SVG with Graphviz, when it is installed."""

from __future__ import annotations

import shutil
import subprocess


def dot_to_svg(dot: str, timeout: float = 10.0) -> str | None:
    """SVG text for ``dot``; None when Graphviz ``dot`` is not on PATH or fails."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-Tsvg"],
            input=dot.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")
