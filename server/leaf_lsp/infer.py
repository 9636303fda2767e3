"""Autograd inference (being written): placeholder returning no facts."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .model import ExprFact, Hint
from .parse import SourceText
from .settings import Settings


@dataclass
class Inference:
    """Result of inference for one file."""

    hints: list[Hint] = field(default_factory=list)
    expr_facts: list[ExprFact] = field(default_factory=list)
    imported_modules: list[str] = field(default_factory=list)


def infer(tree: ast.Module, text: SourceText, path: str, settings: Settings) -> Inference:
    """Infer facts for ``tree``."""
    return Inference()
