"""``python -m leaf_lsp``: the same as the ``leaf-lsp`` command."""

from __future__ import annotations

from .cli import run

if __name__ == "__main__":
    run()
