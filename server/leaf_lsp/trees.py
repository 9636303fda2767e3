"""Walking syntax trees: :func:`ast.walk` and :func:`ast.iter_child_nodes` without their
generator per node.

The interpreter and the rules walk function bodies thousands of times per package (is it a
generator, does it store into attributes, which names does it bind); the standard walk made
that a fifth of a cold run. Same nodes, same order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

_AST = ast.AST


def children(node: ast.AST) -> list[ast.AST]:
    """The direct child nodes of ``node``, in field order (as :func:`ast.iter_child_nodes`)."""
    found: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, _AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend([item for item in value if isinstance(item, _AST)])
    return found


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """``node`` and every node below it, breadth first (as :func:`ast.walk`)."""
    queue = [node]
    index = 0
    while index < len(queue):
        current = queue[index]
        index += 1
        yield current
        queue.extend(children(current))
