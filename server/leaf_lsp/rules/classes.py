"""What the module rules need to know about a user ``nn.Module`` class.

Most questions ("is ``self.bias`` read outside ``__init__``?") are answered from the
source text with regular expressions first, which is much cheaper than walking the
``ast``; the ``ast`` is consulted only to confirm the few candidates.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ..interp import Inference, InitAssign
from ..interp.values import ClassValue, TensorValue
from ..trees import children, walk

_DYNAMIC_RE = re.compile(
    r"\bself\.(?:parameters|named_parameters|state_dict|_parameters|modules|named_modules|children|apply"
    r"|__dict__|_modules|__getattr__)\b|\b(?:getattr|vars|setattr)\(|\bsuper\(\)\.forward\b"
)
#: What a run of the code cannot follow: attributes reached by a computed name, or all at once.
_BY_NAME_RE = re.compile(
    r"\bself\.(?:parameters|named_parameters|state_dict|_parameters|modules|named_modules|children"
    r"|named_children|apply|__dict__|_modules|__getattr__)\b|\bvars\("
)
_SELF_CALL_RE = re.compile(r"\bself\.(\w+)\(")
_DETACHING = frozenset({"detach", "item", "tolist", "numpy", "data"})
_DETACH_WORD_RE = re.compile(r"\.(?:detach|item|tolist|numpy|data)\b|\b(?:float|int|bool)\(")


@dataclass
class ModuleClass:
    """A user class known to subclass ``nn.Module``."""

    value: ClassValue
    inf: Inference
    params: dict[str, InitAssign] = field(default_factory=dict)
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)

    @property
    def forward(self) -> ast.FunctionDef | None:
        return self.methods.get("forward")

    def source(self, node: ast.AST) -> str:
        """The source lines of ``node``."""
        text = self.inf.text
        start = getattr(node, "lineno", 1)
        end = getattr(node, "end_lineno", start) or start
        return "".join(text.lines[start - 1 : end])

    @cached_property
    def methods_text(self) -> str:
        """The source of every method except ``__init__``."""
        return "\n".join(self.source(f) for name, f in self.methods.items() if name != "__init__")

    def forward_methods(self) -> list[ast.FunctionDef]:
        """``forward`` and the methods it calls through ``self.<name>(...)``, transitively."""
        start = self.forward
        if start is None:
            return []
        seen = {start.name: start}
        stack = [start]
        while stack:
            func = stack.pop()
            for name in _SELF_CALL_RE.findall(self.source(func)):
                callee = self.methods.get(name)
                if callee is not None and callee.name not in seen:
                    seen[callee.name] = callee
                    stack.append(callee)
        return list(seen.values())

    def reads_dynamically(self, funcs: list[ast.FunctionDef] | None = None) -> bool:
        """Whether methods reach attributes by name or iterate parameters (uses are unknowable)."""
        text = self.methods_text if funcs is None else "\n".join(self.source(f) for f in funcs)
        return _DYNAMIC_RE.search(text) is not None

    def reads_by_name(self) -> bool:
        """Whether methods reach attributes in ways a run of the code cannot follow (a computed
        ``getattr`` name, ``self.modules()``, ``self.__dict__``...)."""
        if _BY_NAME_RE.search(self.methods_text) is not None:
            return True
        for name, method in self.methods.items():
            if name == "__init__":
                continue
            for node in walk(method):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr")
                    and len(node.args) >= 2
                    and not (isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str))
                ):
                    return True  # getattr(self, "head_" + task): which attribute is not known here
        return False

    def mentions(self, name: str) -> bool:
        """Whether any method other than ``__init__`` names ``self.<name>`` or the string ``name``."""
        text = self.methods_text
        if re.search(rf"\bself\.{re.escape(name)}\b", text):
            return True
        return re.search(rf"['\"]{re.escape(name)}['\"]", text) is not None


def module_classes(inf: Inference) -> Iterator[ModuleClass]:
    """Every user class in the file that certainly subclasses ``nn.Module`` (built once per inference)."""
    return iter(inf.derive("module_classes", _module_classes))


def _module_classes(inf: Inference) -> list[ModuleClass]:
    by_class: dict[int, ModuleClass] = {}
    for cls in inf.classes:
        if cls.is_module is True and id(cls) not in by_class:
            info = ModuleClass(cls, inf)
            for item in cls.node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    info.methods[item.name] = item  # type: ignore[assignment]
            by_class[id(cls)] = info
    for assign in inf.init_assigns:
        owner = by_class.get(id(assign.cls))
        if owner is not None and isinstance(assign.value, TensorValue) and assign.value.origin == "param":
            owner.params.setdefault(assign.attr, assign)
    return list(by_class.values())


def self_attribute_uses(funcs: list[ast.FunctionDef], name: str) -> list[ast.Attribute]:
    """Every load of ``self.<name>`` in ``funcs``."""
    uses = []
    for func in funcs:
        for node in walk(func):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == name
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and isinstance(node.ctx, ast.Load)
            ):
                uses.append(node)
    return uses


def self_attribute_reads(funcs: list[ast.FunctionDef], name: str) -> list[ast.expr]:
    """Every read of ``self.<name>``, as ``self.<name>`` or ``getattr(self, "<name>")``."""
    uses: list[ast.expr] = list(self_attribute_uses(funcs, name))
    for func in funcs:
        for node in walk(func):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "self"
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == name
            ):
                uses.append(node)
    return uses


def may_be_detached_only(module: ModuleClass, funcs: list[ast.FunctionDef], name: str) -> bool:
    """Cheap text test: every line that reads ``self.<name>`` also mentions a detaching call."""
    pattern = re.compile(rf"\bself\.{re.escape(name)}\b")
    found = False
    for func in funcs:
        for line in module.source(func).splitlines():
            if pattern.search(line):
                found = True
                # A returned chain is judged where the method is called (see detaching_use).
                if not _DETACH_WORD_RE.search(line) and not line.lstrip().startswith("return "):
                    return False
    return found


def parents(func: ast.AST) -> dict[int, ast.AST]:
    """Map id(child) -> parent for every node under ``func``."""
    out: dict[int, ast.AST] = {}
    for node in walk(func):
        for child in children(node):
            out[id(child)] = node
    return out


def detaching_use(
    use: ast.AST, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef] | None = None, depth: int = 0
) -> ast.AST | None:
    """If the chain starting at ``use`` ends in ``.detach()/.item()/.data/...``, that node.

    A method that returns the chain (``def temperature(self): return self.t.exp()``) is
    followed to its callers in ``funcs``: every call must detach.
    """
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
        if (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id in ("float", "int", "bool")
            and node in parent.args
        ):
            return parent  # float(self.log_tau.exp()): a Python number, the graph ends
        if isinstance(parent, ast.Return) and funcs and depth < 2:
            return _detached_by_every_caller(parent, parent_of, funcs, depth + 1)
        return None
    return None


def enclosing(funcs: list[ast.FunctionDef], line: int) -> ast.FunctionDef | None:
    """The method of ``funcs`` whose body holds ``line``."""
    return next((f for f in funcs if f.lineno <= line <= (f.end_lineno or f.lineno)), None)


def self_calls(funcs: list[ast.FunctionDef], name: str) -> list[ast.Call]:
    """Every ``self.<name>(...)`` call in ``funcs``."""
    return [
        node
        for func in funcs
        for node in walk(func)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == name
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    ]


def _detached_by_every_caller(
    ret: ast.Return, parent_of: dict[int, ast.AST], funcs: list[ast.FunctionDef], depth: int
) -> ast.AST | None:
    owner = enclosing(funcs, ret.lineno)
    if owner is None:
        return None
    found = [detaching_use(call, parent_of, funcs, depth) for call in self_calls(funcs, owner.name)]
    if not found or any(f is None for f in found):
        return None
    return found[0]
