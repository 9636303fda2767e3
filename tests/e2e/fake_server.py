"""Run the leaf-lsp server with the pattern-based fake engine (adapter-only tests).

The real ``leaf_lsp.engine`` module is replaced before the server imports it, so these
tests exercise the LSP layer alone and keep working while the inference changes.
"""

from __future__ import annotations

import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fake_engine  # noqa: E402

module = types.ModuleType("leaf_lsp.engine")
module.analyze = fake_engine.analyze  # type: ignore[attr-defined]
module.collect_if_due = fake_engine.collect_if_due  # type: ignore[attr-defined]
sys.modules["leaf_lsp.engine"] = module

from leaf_lsp.lsp.server import serve  # noqa: E402

if __name__ == "__main__":
    serve()
