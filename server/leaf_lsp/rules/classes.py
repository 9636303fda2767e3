"""What the module rules need to know about a user ``nn.Module`` class, from its ``ast``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..infer import InitAssign, Inference
from ..values import ClassValue, TensorValue

_DYNAMIC = frozenset(
    {"parameters", "named_parameters", "state_dict", "__dict__", "_parameters", "modules", "named_modules",
     "children", "apply", "getattr", "vars", "_modules", "__getattr__"}
)
_DETACHING = frozenset({"detach", "item", "tolist", "numpy", "data"})


@dataclass
class ModuleClass:
    """A user class known to subclass ``nn.Module``."""

    value: ClassValue
    params: dict[str, InitAssign] = field(default_factory=dict)
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)

    @property
    def forward(self) -> ast.FunctionDef | None:
        return self.methods.get("forward")

    def forward_methods(self) -> list[ast.FunctionDef]:
        """``forward`` and the methods it calls through ``self.<name>(...)``, transitively."""
        start = self.forward
        if start is None:
            return []
        seen = {start.name: start}
        stack = [start]
        while stack:
            func = stack.pop()
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        isinstance(node.func.value, ast.Name) and node.func.value.id == "self":
                    callee = self.methods.get(node.func.attr)
                    if callee is not None and callee.name not in seen:
                        seen[callee.name] = callee
                        stack.append(callee)
        return list(seen.values())


def module_classes(inf: Inference) -> Iterator[ModuleClass]:
    """Every user class in the file that certainly subclasses ``nn.Module``."""
    by_class: dict[int, ModuleClass] = {}
    for cls in inf.classes:
        if cls.is_module is True and id(cls) not in by_class:
            info = ModuleClass(cls)
            for item in cls.node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    info.methods[item.name] = item  # type: ignore[assignment]
            by_class[id(cls)] = info
    for assign in inf.init_assigns:
        info = by_class.get(id(assign.cls))
        if info is not None and isinstance(assign.value, TensorValue) and assign.value.origin == "param":
            info.params.setdefault(assign.attr, assign)
    return iter(by_class.values())


def self_attribute_uses(funcs: list[ast.FunctionDef], name: str) -> list[ast.Attribute]:
    """Every load of ``self.<name>`` in ``funcs``."""
    uses = []
    for func in funcs:
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and node.attr == name and isinstance(node.value, ast.Name) \
                    and node.value.id == "self" and isinstance(node.ctx, ast.Load):
                uses.append(node)
    return uses


def uses_attributes_dynamically(funcs: list[ast.FunctionDef]) -> bool:
    """Whether the code reaches attributes by name or iterates parameters (so uses are unknowable)."""
    for func in funcs:
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and node.attr in _DYNAMIC:
                return True
            if isinstance(node, ast.Name) and node.id in ("getattr", "vars", "setattr"):
                return True
    return False


def parents(func: ast.AST) -> dict[int, ast.AST]:
    """Map id(child) -> parent for every node under ``func``."""
    out: dict[int, ast.AST] = {}
    for node in ast.walk(func):
        for child in ast.iter_child_nodes(node):
            out[id(child)] = node
    return out


def detaching_use(use: ast.Attribute, parent_of: dict[int, ast.AST]) -> ast.AST | None:
    """If the chain starting at ``use`` ends in ``.detach()/.item()/.data/...``, that node."""
    node: ast.AST = use
    for _ in range(12):
        parent = parent_of.get(id(node))
        if parent is None:
            return None
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr in _DETACHING:
                return parent
            node = parent
            continue
        if isinstance(parent, ast.Call) and parent.func is node:
            node = parent
            continue
        return None
    return None
