"""The leaf-lsp language server: a thin pygls adapter over :func:`leaf_lsp.engine.analyze`.

Entry point: :func:`leaf_lsp.lsp.server.serve` (or ``python -m leaf_lsp.lsp``).
"""
