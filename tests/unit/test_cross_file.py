"""Cross-file facts: helpers and Modules imported from the user's own modules."""

from __future__ import annotations

from pathlib import Path

from leaf_lsp.engine import analyze
from leaf_lsp.project import JediResolver
from leaf_lsp.settings import Settings

HELPERS = """import torch
from torch import nn


def make_weights(n):
    return torch.randn(n, requires_grad=True) * 0.1


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 1)

    def forward(self, x):
        return self.lin(x)
"""

TRAIN = """import torch
from pkg.helpers import make_weights, Head

w = make_weights(3)
opt = torch.optim.SGD([w], lr=0.1)
"""

FROZEN = """import torch
from .helpers import Head

m = Head()
m.requires_grad_(False)
y = m(torch.randn(2, 3))
y.backward()
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "helpers.py").write_text(HELPERS)
    (tmp_path / "train.py").write_text(TRAIN)
    (tmp_path / "pkg" / "frozen.py").write_text(FROZEN)
    return tmp_path


def test_helper_return_fact_flows_to_caller(tmp_path: Path) -> None:
    root = project(tmp_path)
    settings = Settings(resolver=JediResolver(root))
    analysis = analyze(TRAIN, str(root / "train.py"), settings)
    assert [(d.span.line, d.code) for d in analysis.diagnostics] == [(5, "LEAF101")]
    hint = next(h for h in analysis.hints if h.name == "w")
    assert (hint.is_leaf, hint.requires_grad) == (False, True)


def test_module_class_from_relative_import(tmp_path: Path) -> None:
    root = project(tmp_path)
    settings = Settings(resolver=JediResolver(root))
    analysis = analyze(FROZEN, str(root / "pkg" / "frozen.py"), settings)
    assert [(d.span.line, d.code) for d in analysis.diagnostics] == [(7, "LEAF103")]


def test_without_resolver_the_fact_is_unknown(tmp_path: Path) -> None:
    root = project(tmp_path)
    analysis = analyze(TRAIN, str(root / "train.py"))
    assert analysis.diagnostics == []
    assert all(h.name != "w" or h.is_leaf is None for h in analysis.hints)


def test_overlay_and_invalidation(tmp_path: Path) -> None:
    root = project(tmp_path)
    helpers = str((root / "pkg" / "helpers.py").resolve())
    resolver = JediResolver(root)
    settings = Settings(resolver=resolver)
    assert analyze(TRAIN, str(root / "train.py"), settings).diagnostics
    resolver.overlay[helpers] = HELPERS.replace(" * 0.1", "")
    resolver.invalidate(helpers)
    assert analyze(TRAIN, str(root / "train.py"), settings).diagnostics == []


def test_jedi_locates_user_modules(tmp_path: Path) -> None:
    root = project(tmp_path)
    resolver = JediResolver(root)
    found = resolver._by_jedi("pkg.helpers", str(root / "train.py"))
    assert found is not None and Path(found).resolve() == (root / "pkg" / "helpers.py").resolve()
    assert resolver.resolve("torch", 0, str(root / "train.py")) is None


LOW = """import torch


def make(n):
    return torch.zeros(n, requires_grad=True)


SCALE = torch.ones(3)
"""

MID = """import torch
from .low import make, SCALE
from .unused import anything


def build(n):
    return make(n) * 1.0


def scale():
    return SCALE
"""

TOP = """import torch
from pkg.mid import build, scale

w = build(3)
opt = torch.optim.SGD([w], lr=0.1)
"""


def _two_levels(tmp_path: Path) -> JediResolver:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "low.py").write_text(LOW)
    (tmp_path / "pkg" / "mid.py").write_text(MID)
    (tmp_path / "pkg" / "unused.py").write_text("anything = 1\n")
    return JediResolver(tmp_path)


def test_what_an_import_imports_is_followed_when_read(tmp_path: Path) -> None:
    """`top` reads `build` from `mid`, which imports `make` from `low`: the fact and the
    dependency on `low` reach `top`; a module nothing reads is no dependency."""
    resolver = _two_levels(tmp_path)
    analysis = analyze(TOP, str(tmp_path / "top.py"), Settings(resolver=resolver))
    assert [(d.span.line, d.code) for d in analysis.diagnostics] == [(5, "LEAF101")]
    modules = {(module, level) for module, level, _importer, _digest in analysis.dependencies}
    assert {("pkg.mid", 0), ("low", 1)} <= modules
    assert ("unused", 1) not in modules


def test_an_import_of_an_import_edited_between_analyses(tmp_path: Path) -> None:
    """The server keeps interpreted modules between analyses: an edit of `low` must reach the
    next analysis of `top` although `mid`, which imports it, did not change."""
    resolver = _two_levels(tmp_path)
    path = str(tmp_path / "top.py")
    first = analyze(TOP, path, Settings(resolver=resolver))
    assert "LEAF101" in {d.code for d in first.diagnostics}
    (tmp_path / "pkg" / "low.py").write_text(LOW.replace("requires_grad=True", "requires_grad=False"))
    resolver.invalidate(str(tmp_path / "pkg" / "low.py"))
    second = analyze(TOP, path, Settings(resolver=resolver))
    hint = next(h for h in second.hints if h.name == "w")
    assert (hint.is_leaf, hint.requires_grad) == (True, False)  # as torch says
    assert "LEAF101" not in {d.code for d in second.diagnostics}


LIB_HELPERS = """import torch


def make():
    from .grads import leafy

    return leafy()
"""

LIB_GRADS = """import torch


def leafy():
    return torch.zeros(3, requires_grad=True)
"""

# A module of the same name next to the caller, which the helper's import does not mean.
APP_GRADS = """import torch


def leafy():
    return torch.zeros(3)
"""

APP_MAIN = """import torch
from ..lib.helpers import make

w = make()
w += 1
"""


def _helper_with_its_own_import(tmp_path: Path, decoy: bool) -> tuple[JediResolver, Path]:
    for folder in ("pkg", "pkg/lib", "pkg/app"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "pkg" / "lib" / "helpers.py").write_text(LIB_HELPERS)
    (tmp_path / "pkg" / "lib" / "grads.py").write_text(LIB_GRADS)
    if decoy:
        (tmp_path / "pkg" / "app" / "grads.py").write_text(APP_GRADS)
    (tmp_path / "pkg" / "app" / "main.py").write_text(APP_MAIN)
    return JediResolver(tmp_path), tmp_path / "pkg" / "app" / "main.py"


def test_import_inside_a_helper_resolves_from_the_helpers_module(tmp_path: Path) -> None:
    for decoy in (False, True):
        resolver, main = _helper_with_its_own_import(tmp_path, decoy)
        analysis = analyze(APP_MAIN, str(main), Settings(resolver=resolver))
        hint = next(h for h in analysis.hints if h.name == "w" and h.span.line == 4)
        # The helper's `.grads` is lib/grads.py, whatever lies next to the caller.
        assert (hint.is_leaf, hint.requires_grad) == (True, True), decoy
        assert [d.code for d in analysis.diagnostics] == ["LEAF102"], decoy
        importers = {Path(importer).name for _module, _level, importer, _digest in analysis.dependencies}
        assert "main.py" in importers and "helpers.py" in importers
