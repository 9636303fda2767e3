"""One answer per file: not the output format, other files, their order, the folder the
command runs from, earlier analyses in the process, or the run decide what a file reports.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli
from leaf_lsp.engine import analyze
from leaf_lsp.interp.core import Interpreter, debug_mode
from leaf_lsp.interp.foreign import clone
from leaf_lsp.interp.state import Ctx, Scope
from leaf_lsp.interp.values import ModuleValue, TensorValue
from leaf_lsp.project import JediResolver, import_root, project_root
from leaf_lsp.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted(
    [
        *ROOT.glob("tests/corpus/*.py"),
        *ROOT.glob("tests/corpus_public/[0-9]*.py"),
        *ROOT.glob("tests/fixtures/rules/*.py"),
        *ROOT.glob("tests/fixtures/fixes/*.py"),
        *ROOT.glob("tests/seeds/*.py"),
        *ROOT.glob("examples/*.py"),
    ]
)

# A parameter updated in place by a method that nothing in its text marks as autograd code.
PARAM_BUMP = """import torch
from torch import nn


class Counter(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(3))

    def bump(self):
        self.w += 1
"""


def _diagnostics(source: str, path: str, settings: Settings) -> list[tuple[str, int, int, str]]:
    analysis = analyze(source, path, settings)
    return [(d.code, d.span.line, d.span.col, d.message) for d in analysis.diagnostics]


# --- the output format ------------------------------------------------------------------


def test_the_programs_to_compare_are_found() -> None:
    assert len(PROGRAMS) > 200


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_diagnostics_only_pass_reports_what_the_full_pass_reports(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    fast = _diagnostics(source, str(path), Settings(hints=False))
    full = _diagnostics(source, str(path), Settings(hints=True))
    assert fast == full


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_method_only_update_of_a_parameter_is_reported_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (tmp_path / "param_bump.py").write_text(PARAM_BUMP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out = _check(capsys, "--check", "--format", fmt, "param_bump.py")
    assert code == 1
    if fmt == "text":
        assert "param_bump.py:11:9: LEAF102" in out
    elif fmt == "json":
        found = json.loads(out)["files"][0]["diagnostics"]
        assert [(d["code"], d["line"]) for d in found] == [("LEAF102", 11)]
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
        ] == [("LEAF102", 11)]
    else:
        assert "line=11" in out and "LEAF102" in out


# --- other files, their order, earlier analyses -----------------------------------------

SHARED = """import torch
import torch.nn as nn

net = nn.Linear(4, 1)
W = torch.zeros(3, requires_grad=True)
"""

FREEZE = """from shared import W, net

net.requires_grad_(False)
W.requires_grad_(False)
"""

TRAIN = """import torch
from shared import W, net

opt = torch.optim.SGD(net.parameters(), lr=0.1)
for step in range(3):
    opt.zero_grad()
    loss = net(torch.randn(8, 4)).sum()
    loss.backward()
    opt.step()
W += 1
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three files: ``a_freeze.py`` changes what ``shared.py`` defines; ``b_train.py`` uses it."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    (tmp_path / "shared.py").write_text(SHARED, encoding="utf-8")
    (tmp_path / "a_freeze.py").write_text(FREEZE, encoding="utf-8")
    (tmp_path / "b_train.py").write_text(TRAIN, encoding="utf-8")
    return tmp_path


def _json_by_file(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = cli.main(["--check", "--format", "json", *args])
    assert code in (0, 1)
    return {f["path"]: f for f in json.loads(capsys.readouterr().out)["files"]}


def test_a_file_that_freezes_an_imported_module_does_not_change_its_neighbours(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    alone = _json_by_file(capsys, "b_train.py")["b_train.py"]
    codes = [(d["code"], d["line"]) for d in alone["diagnostics"]]
    # The loop trains a module that requires grad (no LEAF103), and W is still a leaf that
    # requires grad where b_train.py updates it (LEAF102).
    assert codes == [("LEAF102", 10)]
    for order in (["a_freeze.py", "b_train.py"], ["b_train.py", "a_freeze.py"], ["."]):
        together = _json_by_file(capsys, *order)
        assert together["b_train.py"] == alone, order
    # Earlier analyses in the same process change nothing either.
    assert _json_by_file(capsys, "b_train.py")["b_train.py"] == alone


def test_every_file_alone_with_the_others_in_both_orders_and_in_a_folder_run(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(project)
    names = ["a_freeze.py", "b_train.py", "shared.py"]
    alone = {name: _json_by_file(capsys, name)[name] for name in names}
    forward = _json_by_file(capsys, *names)
    backward = _json_by_file(capsys, *reversed(names))
    folder = _json_by_file(capsys, ".")
    for name in names:
        assert forward[name] == alone[name] == backward[name] == folder[name], name


def test_the_engine_keeps_imported_definitions_unchanged_between_analyses(project: Path) -> None:
    resolver = JediResolver(project)
    settings = Settings(resolver=resolver)
    train = str(project / "b_train.py")
    first = _diagnostics(TRAIN, train, settings)
    _diagnostics(FREEZE, str(project / "a_freeze.py"), settings)
    assert _diagnostics(TRAIN, train, settings) == first


def test_an_imported_module_is_analysed_again_when_a_module_it_imports_changes(tmp_path: Path) -> None:
    (tmp_path / "base.py").write_text("import torch\n\nW = torch.zeros(3, requires_grad=True)\n")
    (tmp_path / "mid.py").write_text("from base import W\n")
    user = "from mid import W\n\nW += 1\n"
    settings = Settings(resolver=JediResolver(tmp_path))
    path = str(tmp_path / "user.py")
    assert [d[0] for d in _diagnostics(user, path, settings)] == ["LEAF102"]
    (tmp_path / "base.py").write_text("import torch\n\nW = torch.zeros(3)\n")
    os.utime(tmp_path / "base.py", (1, 1))  # a new mtime: the resolver reads the file again
    settings = Settings(resolver=JediResolver(tmp_path))
    assert _diagnostics(user, path, settings) == []


def test_a_clone_shares_nothing_mutable_with_its_original() -> None:
    tree = ast.parse(SHARED)
    from leaf_lsp.parse import SourceText

    interp = Interpreter(tree, SourceText(SHARED), "shared.py", Settings())
    interp.exec_block(tree.body, interp.module_scope, Ctx(record=False))
    original = interp.module_scope
    copy = clone(original, (Scope,))
    net, w = copy.vars["net"], copy.vars["W"]
    assert isinstance(net, ModuleValue) and isinstance(w, TensorValue)
    net.set_params_rg(False)
    w.rg = False
    w.obj.version += 1
    kept_net, kept_w = original.vars["net"], original.vars["W"]
    assert isinstance(kept_net, ModuleValue) and isinstance(kept_w, TensorValue)
    assert (kept_net.params_rg, kept_w.rg, kept_w.obj.version) == (True, True, 0)
    assert copy.vars["torch"] is not original.vars["torch"]
    assert copy is not original and copy.interp is original.interp


# --- the folder the command runs from ---------------------------------------------------


def _package(root: Path) -> None:
    for folder in (root / "mypkg", root / "mypkg" / "sub"):
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("")
    (root / "mypkg" / "shared.py").write_text("import torch\n\nW = torch.zeros(3, requires_grad=True)\n")
    (root / "mypkg" / "sub" / "train.py").write_text("from mypkg.shared import W\n\nW += 1\n")


@pytest.mark.parametrize(
    ("cwd", "path"), [(".", "mypkg/sub/train.py"), ("mypkg", "sub/train.py"), ("mypkg/sub", "train.py")]
)
def test_absolute_imports_of_the_files_package_resolve_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: str, path: str
) -> None:
    _package(tmp_path)
    monkeypatch.chdir(tmp_path / cwd)
    found = _json_by_file(capsys, path)[path]
    assert [(d["code"], d["line"]) for d in found["diagnostics"]] == [("LEAF102", 3)]


def test_the_import_root_and_project_root_come_from_the_files_location(tmp_path: Path) -> None:
    _package(tmp_path)
    train = tmp_path / "mypkg" / "sub" / "train.py"
    assert import_root(train) == tmp_path.resolve()
    (tmp_path / "pyproject.toml").write_text("")
    assert project_root(train) == tmp_path.resolve()


# --- runs ---------------------------------------------------------------------------------


def test_the_same_folder_checked_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "leaf_lsp",
                "--check",
                "--format",
                "json",
                "--jobs",
                "2",
                "tests/corpus",
                "examples",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        assert proc.returncode == 1, proc.stderr.decode(errors="replace")
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]


# --- internal errors ----------------------------------------------------------------------


@pytest.fixture
def broken_returns(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Make every ``return`` statement an internal error of the engine."""

    def broken(self: Any, stmt: ast.Return, scope: Any, ctx: Any) -> None:
        raise ValueError("broken handler")

    def install() -> None:
        monkeypatch.setitem(Interpreter.STMT_HANDLERS, ast.Return, broken)

    return install


SOURCE_WITH_RETURN = "import torch\n\n\ndef f():\n    return torch.ones(1)\n\n\nx = f()\n"


def test_internal_errors_raise_in_debug_mode(broken_returns: Callable[[], None]) -> None:
    broken_returns()
    assert debug_mode()  # tests/conftest.py turns it on for the whole suite
    with pytest.raises(ValueError, match="broken handler"):
        analyze(SOURCE_WITH_RETURN, "f.py", Settings())


def test_internal_errors_are_counted_and_listed_with_verbose(
    broken_returns: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken_returns()
    monkeypatch.setenv("LEAF_LSP_DEBUG", "0")
    analysis = analyze(SOURCE_WITH_RETURN, "f.py", Settings())
    assert [(e.line, e.statement, e.error) for e in analysis.internal_errors] == [
        (5, "return torch.ones(1)", "ValueError: broken handler")
    ]
    (tmp_path / "f.py").write_text(SOURCE_WITH_RETURN)
    monkeypatch.chdir(tmp_path)
    cli.main(["--check", "f.py"])
    assert "1 statement could not be analysed" in capsys.readouterr().err
    cli.main(["--check", "--verbose", "f.py"])
    err = capsys.readouterr().err
    assert (
        "internal error:" in err and "f.py:5: ValueError: broken handler (in `return torch.ones(1)`)" in err
    )
