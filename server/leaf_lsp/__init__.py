"""leaf-lsp: what autograd will do with each tensor, while you type."""

__version__ = "0.1.0"
