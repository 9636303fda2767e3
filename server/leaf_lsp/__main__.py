"""``python -m leaf_lsp``: the same as the ``leaf-lsp`` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
