"""``leaf-lsp --check`` against the fake engine: formats, flags, exit codes, bad files."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli

BAD = "import torch\nx = torch.tensor([1.0], requires_grad=True)\nx += 1\n"
OLD = "import torch\nv = Variable(torch.ones(1))\n"
CLEAN = "import torch\ny = torch.ones(2)\n"

pytestmark = pytest.mark.usefixtures("fake_engine")


def _json(out: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(out)
    return data


# --- text -----------------------------------------------------------------------------


def test_text_lists_diagnostics_and_summary(run: Callable[..., tuple[int, str, str]], write: Any) -> None:
    write("a.py", BAD)
    write("b.py", OLD)
    code, out, _ = run("--check", "a.py", "b.py")
    assert code == 1
    lines = out.splitlines()
    assert "a.py:3:1: LEAF102 in-place update of leaf `x`" in lines  # unsafe fix: not marked
    assert "b.py:2:5: LEAF302 [*] Variable is deprecated" in lines
    assert lines[-2] == "Found 1 error and 1 warning (1 fixable with --fix)."
    assert lines[-1] == "(1 hidden fix can be enabled with --unsafe-fixes.)"


def test_unsafe_fixes_without_fix_marks_unsafe_as_fixable(run: Any, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("--check", "--unsafe-fixes", "a.py")
    assert code == 1
    assert "a.py:3:1: LEAF102 [*] in-place update of leaf `x`" in out
    assert out.splitlines()[-1] == "Found 1 error (1 fixable with --fix)."
    assert Path("a.py").read_text() == BAD  # reporting never writes


def test_clean_file_passes(run: Any, write: Any) -> None:
    write("a.py", CLEAN)
    code, out, _ = run("--check", "a.py")
    assert (code, out) == (0, "All checks passed!\n")


def test_no_path_checks_current_directory(run: Any, write: Any) -> None:
    write("pkg/a.py", BAD)
    write("top.py", CLEAN)
    code, out, _ = run("--check")
    assert code == 1
    assert "pkg/a.py:3:1: LEAF102" in out


def test_paths_imply_check(run: Any, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("a.py")
    assert code == 1 and "LEAF102" in out


def test_exit_zero(run: Any, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("--check", "--exit-zero", "a.py")
    assert code == 0
    assert "LEAF102" in out


def test_syntax_error_is_leaf000(run: Any, write: Any) -> None:
    write("a.py", "def f(:\n")
    code, out, _ = run("--check", "a.py")
    assert code == 1
    assert out.startswith("a.py:1:")
    assert "LEAF000" in out


def test_show_hints(run: Any, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("--check", "--show-hints", "a.py")
    assert code == 1
    lines = out.splitlines()
    hint = "a.py:2:1: hint x: leaf, requires grad (created by torch.tensor(requires_grad=True))"
    assert hint in lines
    # Facts and diagnostics come in line order.
    assert lines.index(hint) < next(i for i, line in enumerate(lines) if "LEAF102" in line)


def test_hints_hidden_by_default(run: Any, write: Any) -> None:
    write("a.py", BAD)
    _, out, _ = run("--check", "a.py")
    assert "hint" not in out


def test_statistics(run: Any, write: Any) -> None:
    write("a.py", BAD + "x += 1\n")
    write("b.py", OLD)
    code, out, _ = run("--check", "--statistics", ".")
    assert code == 1
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows[0][:2] == ["2", "LEAF102"]
    assert rows[0][2].strip() == "inplace-on-leaf"
    assert rows[1][:2] == ["1", "LEAF302"]
    assert rows[1][2] == "[*] deprecated-variable"


def test_noqa_is_honoured(run: Any, write: Any) -> None:
    write("a.py", BAD.replace("x += 1", "x += 1  # noqa: LEAF102") + "x += 1  # noqa: LEAF2\n")
    code, out, _ = run("--check", "--format", "json", "a.py")
    data = _json(out)
    assert [(d["line"], d["code"]) for d in data["files"][0]["diagnostics"]] == [(4, "LEAF102")]
    assert code == 1


# --- select / ignore ------------------------------------------------------------------


def test_select_and_ignore(run: Any, write: Any) -> None:
    write("a.py", BAD + "v = Variable(x)\n")
    _, out, _ = run("--check", "--format", "json", "--select", "LEAF3", "a.py")
    assert {d["code"] for d in _json(out)["files"][0]["diagnostics"]} == {"LEAF302"}
    _, out, _ = run("--check", "--format", "json", "--ignore", "leaf302", "a.py")
    assert {d["code"] for d in _json(out)["files"][0]["diagnostics"]} == {"LEAF102"}
    code, out, _ = run("--check", "--select", "LEAF1,LEAF3", "--ignore", "LEAF102, LEAF302", "a.py")
    assert code == 0, out


# --- JSON contract --------------------------------------------------------------------

DIAG_KEYS = {"code", "name", "severity", "message", "line", "column", "end_line", "end_column", "fix"}
HINT_KEYS = {"line", "column", "name", "is_leaf", "requires_grad", "reason"}


def _check_contract(data: dict[str, Any], probe: bool = False) -> None:
    assert set(data) == {"version", "files", "summary"}
    assert data["version"] == 1
    assert set(data["summary"]) == {"files", "diagnostics", "fixable"}
    assert all(type(v) is int for v in data["summary"].values())
    for entry in data["files"]:
        assert set(entry) == {"path", "diagnostics", "hints"}
        assert isinstance(entry["path"], str)
        for d in entry["diagnostics"]:
            assert set(d) == DIAG_KEYS
            assert all(isinstance(d[k], str) for k in ("code", "name", "severity", "message"))
            assert d["severity"] in {"error", "warning", "information"}
            assert all(type(d[k]) is int and d[k] >= 1 for k in ("line", "column", "end_line", "end_column"))
            if d["fix"] is not None:
                assert set(d["fix"]) == {"title", "safe", "edits"}
                assert isinstance(d["fix"]["safe"], bool)
                for e in d["fix"]["edits"]:
                    assert set(e) == {"line", "column", "end_line", "end_column", "new_text"}
        for h in entry["hints"]:
            if probe:
                # static/contexts appear when the run settled the hint (values are then the run's)
                assert HINT_KEYS | {"verified"} <= set(h) <= HINT_KEYS | {"verified", "static", "contexts"}
            else:
                assert set(h) == HINT_KEYS
            assert h["is_leaf"] in (True, False, None) and h["requires_grad"] in (True, False, None)
            assert isinstance(h["reason"], str)


def test_json_contract(run: Any, write: Any) -> None:
    write("a.py", BAD)
    write("b.py", OLD)
    write("c.py", CLEAN)
    code, out, _ = run("--check", "--format", "json", "a.py", "b.py", "c.py")
    assert code == 1
    data = _json(out)
    _check_contract(data)
    assert [f["path"] for f in data["files"]] == ["a.py", "b.py", "c.py"]
    assert data["files"][2] == {"path": "c.py", "diagnostics": [], "hints": []}
    assert data["summary"] == {"files": 3, "diagnostics": 2, "fixable": 1}
    inplace = data["files"][0]["diagnostics"][0]
    assert inplace == {
        "code": "LEAF102",
        "name": "inplace-on-leaf",
        "severity": "error",
        "message": "in-place update of leaf `x`",
        "line": 3,
        "column": 1,
        "end_line": 3,
        "end_column": 7,
        "fix": {
            "title": "Rewrite as `x = x + 1`",
            "safe": False,
            "edits": [{"line": 3, "column": 1, "end_line": 3, "end_column": 7, "new_text": "x = x + 1"}],
        },
    }
    assert data["files"][0]["hints"] == [
        {
            "line": 2,
            "column": 1,
            "name": "x",
            "is_leaf": True,
            "requires_grad": True,
            "reason": "created by torch.tensor(requires_grad=True)",
        }
    ]


def test_json_columns_count_characters(run: Any, write: Any) -> None:
    write("a.py", "s = '錯誤😋'; v = Variable(1)\n")
    _, out, _ = run("--check", "--format", "json", "a.py")
    d = _json(out)["files"][0]["diagnostics"][0]
    line = "s = '錯誤😋'; v = Variable(1)"
    assert d["column"] == line.index("Variable(") + 1


def test_json_fixable_counts_unsafe_with_flag(run: Any, write: Any) -> None:
    write("a.py", BAD)
    _, out, _ = run("--check", "--format", "json", "--unsafe-fixes", "a.py")
    assert _json(out)["summary"]["fixable"] == 1


# --- github / sarif -------------------------------------------------------------------


def test_github_format(run: Any, write: Any) -> None:
    write("a,b.py", BAD + "INFO = 1\n")
    write("c.py", OLD)
    code, out, _ = run("--check", "--format", "github", "a,b.py", "c.py")
    assert code == 1
    assert out.splitlines() == [
        "::error file=a%2Cb.py,line=3,col=1,endLine=3,endColumn=7,title=LEAF102 inplace-on-leaf::"
        "in-place update of leaf `x`",
        "::notice file=a%2Cb.py,line=4,col=1,endLine=4,endColumn=5,title=LEAF213 tensor-from-tensor::"
        "copy drops the graph",
        "::warning file=c.py,line=2,col=5,endLine=2,endColumn=14,title=LEAF302 deprecated-variable::"
        "Variable is deprecated",
    ]


def test_sarif_format(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from leaf_lsp import report

    registry = [
        report.RuleInfo("LEAF101", "optimizer-non-leaf", "error", "optimizer given a non-leaf"),
        report.RuleInfo("LEAF102", "inplace-on-leaf", "error", "in-place on a leaf"),
    ]
    monkeypatch.setattr(report, "registry_rules", lambda: list(registry))
    write("a.py", BAD)
    write("b.py", "def f(:\n")
    code, out, _ = run("--check", "--format", "sarif", "a.py", "b.py")
    assert code == 1
    sarif = _json(out)
    assert sarif["version"] == "2.1.0"
    (only_run,) = sarif["runs"]
    rules = only_run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["LEAF000", "LEAF101", "LEAF102"]
    assert rules[2]["name"] == "inplace-on-leaf"
    assert rules[2]["shortDescription"] == {"text": "in-place on a leaf"}
    assert rules[2]["helpUri"].endswith("docs/rules.md#leaf102")
    results = only_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LEAF102", "error"), ("LEAF000", "error")]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "a.py"
    assert location["region"] == {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 7}


# --- unreadable files -----------------------------------------------------------------


def _leaf000(data: dict[str, Any], path: str) -> dict[str, Any]:
    (entry,) = [f for f in data["files"] if f["path"] == path]
    (diagnostic,) = entry["diagnostics"]
    assert diagnostic["code"] == "LEAF000"
    assert diagnostic["name"] == "unreadable-file"
    assert diagnostic["severity"] == "error"
    result: dict[str, Any] = diagnostic
    return result


def test_non_utf8_binary_and_huge_files_are_reported_and_run_continues(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("latin.py", "# caf\xe9\nx = 1\n".encode("latin-1"))
    write("blob.py", b"import torch\x00\x01\x02")
    write("huge.py", "x = 1\n" * 100)
    write("ok.py", BAD)
    monkeypatch.setattr(cli, "MAX_FILE_BYTES", 100)
    code, out, _ = run("--check", "--format", "json", ".")
    assert code == 1
    data = _json(out)
    _check_contract(data)
    assert "UTF-8" in _leaf000(data, "latin.py")["message"]
    assert "binary" in _leaf000(data, "blob.py")["message"]
    assert "too large" in _leaf000(data, "huge.py")["message"]
    (ok,) = [f for f in data["files"] if f["path"] == "ok.py"]
    assert [d["code"] for d in ok["diagnostics"]] == ["LEAF102"]


def test_bom_file_is_read(run: Any, write: Any) -> None:
    write("a.py", b"\xef\xbb\xbf" + BAD.encode())
    _, out, _ = run("--check", "--format", "json", "a.py")
    assert [d["line"] for d in _json(out)["files"][0]["diagnostics"]] == [3]


def test_missing_path_is_usage_error(run: Any, write: Any) -> None:
    write("a.py", BAD)
    code, out, err = run("--check", "a.py", "missing.py")
    assert code == 2
    assert out == ""
    assert "missing.py" in err


def test_internal_error_exits_2_but_reports_other_files(
    run: Any, write: Any, fake_engine: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fake_engine.analyze

    def flaky(source: str, path: str, settings: Any) -> Any:
        if "boom" in source:
            raise RuntimeError("engine bug")
        return real(source, path, settings)

    monkeypatch.setattr(fake_engine, "analyze", flaky)
    write("a.py", "boom = 1\n")
    write("b.py", BAD)
    code, out, err = run("--check", "a.py", "b.py")
    assert code == 2
    assert "b.py:3:1: LEAF102" in out
    assert "internal error" in err and "a.py" in err


def test_engine_that_cannot_import_exits_2(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "leaf_lsp.engine", None)  # makes the import fail
    write("a.py", BAD)
    code, _, err = run("--check", "a.py")
    assert code == 2
    assert "engine" in err


# --- fix / diff -----------------------------------------------------------------------


def test_fix_applies_safe_fixes_only(run: Any, write: Any) -> None:
    path = write("a.py", BAD + OLD)
    code, out, _ = run("--check", "--fix", "a.py")
    assert path.read_text() == BAD + OLD.replace("Variable(", "torch.tensor(")
    assert code == 1  # the unsafe LEAF102 remains
    lines = out.splitlines()
    assert "a.py:3:1: LEAF102 in-place update of leaf `x`" in lines
    assert not any("LEAF302" in line for line in lines)
    assert "Found 2 diagnostics (1 fixed, 1 remaining: 1 error)." in lines


def test_fix_with_unsafe_fixes_applies_everything(run: Any, write: Any) -> None:
    path = write("a.py", BAD + OLD)
    code, out, _ = run("--check", "--fix", "--unsafe-fixes", "a.py")
    assert code == 0
    assert path.read_text() == BAD.replace("x += 1", "x = x + 1") + OLD.replace("Variable(", "torch.tensor(")
    assert "Found 2 diagnostics (2 fixed, 0 remaining)." in out.splitlines()


def test_fix_preserves_bom_and_crlf(run: Any, write: Any) -> None:
    original = b"\xef\xbb\xbfimport torch\r\nv = Variable(1)\r\n"
    path = write("a.py", original)
    code, _, _ = run("--check", "--fix", "a.py")
    assert code == 0
    assert path.read_bytes() == b"\xef\xbb\xbfimport torch\r\nv = torch.tensor(1)\r\n"


def test_fix_json_reports_remaining(run: Any, write: Any) -> None:
    write("a.py", BAD + OLD)
    code, out, _ = run("--check", "--fix", "--format", "json", "a.py")
    data = _json(out)
    _check_contract(data)
    assert [d["code"] for d in data["files"][0]["diagnostics"]] == ["LEAF102"]
    assert code == 1


def test_diff_prints_and_changes_nothing(run: Any, write: Any) -> None:
    path = write("a.py", OLD)
    code, out, err = run("--check", "--diff", "a.py")
    assert code == 1
    assert path.read_text() == OLD
    assert "--- a/a.py" in out and "+++ b/a.py" in out
    assert "-v = Variable(torch.ones(1))" in out
    assert "+v = torch.tensor(torch.ones(1))" in out
    assert "Would fix 1 diagnostic." in err


def test_diff_without_changes_exits_0(run: Any, write: Any) -> None:
    write("a.py", BAD)  # only an unsafe fix: --diff alone would not apply it
    code, out, _ = run("--check", "--diff", "a.py")
    assert (code, out) == (0, "")
    code, out, _ = run("--check", "--diff", "--unsafe-fixes", "a.py")
    assert code == 1 and "+x = x + 1" in out


def test_fix_never_writes_unparsable_result(
    run: Any, write: Any, fake_engine: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leaf_lsp.model import Edit, Fix, Span

    real = fake_engine.analyze

    def breaking(source: str, path: str, settings: Any) -> Any:
        analysis = real(source, path, settings)
        analysis.diagnostics = [
            d.__class__(**{**d.__dict__, "fix": Fix("break", (Edit(Span(2, 0, 2, 1), "("),), True)})
            for d in analysis.diagnostics
        ]
        return analysis

    monkeypatch.setattr(fake_engine, "analyze", breaking)
    path = write("a.py", OLD)
    code, _, _ = run("--check", "--fix", "a.py")
    assert path.read_text() == OLD
    assert code == 1


# --- discovery ------------------------------------------------------------------------


def test_discovery_skips_tool_folders_and_non_python(run: Any, write: Any) -> None:
    for folder in [
        ".git",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        "x.egg-info",
    ]:
        write(f"{folder}/bad.py", BAD)
    write(".venv/lib/bad.py", BAD)
    write("venv/lib/bad.py", BAD)
    write("myenv/pyvenv.cfg", "home = /usr\n")
    write("myenv/lib/bad.py", BAD)
    write("notes.txt", BAD)
    write("stub.pyi", BAD)
    write("src/pkg/real.py", BAD)
    _, out, _ = run("--check", "--format", "json")
    assert [f["path"] for f in _json(out)["files"]] == ["src/pkg/real.py"]


def test_explicit_non_python_file_is_checked(run: Any, write: Any) -> None:
    write("script", BAD)
    code, out, _ = run("--check", "script")
    assert code == 1 and "script:3:1: LEAF102" in out


def test_folder_paths_display_as_found(run: Any, write: Any) -> None:
    write("src/a.py", BAD)
    _, out, _ = run("--check", "--format", "json", "./src")
    assert [f["path"] for f in _json(out)["files"]] == ["src/a.py"]


def test_file_given_twice_is_checked_once(run: Any, write: Any) -> None:
    write("a.py", BAD)
    _, out, _ = run("--check", "--format", "json", "a.py", ".", "a.py")
    assert _json(out)["summary"]["files"] == 1


# --- probe ----------------------------------------------------------------------------


class _ProbeResult:
    def __init__(self, svg: str | None = None, dot: str | None = None, error: str | None = None) -> None:
        self.graph_svg = svg
        self.graph_dot = dot
        self.graph_error = None
        self.error = error
        self.notes: list[str] = []


def _fake_probe(monkeypatch: pytest.MonkeyPatch, result: _ProbeResult, calls: list[dict[str, Any]]) -> None:
    import dataclasses

    module = types.ModuleType("leaf_lsp.probe")

    def run_file(path: str, **kwargs: Any) -> _ProbeResult:
        calls.append({"path": path, **kwargs})
        return result

    def merge(analysis: Any, probe_result: Any, source: Any = None) -> Any:
        hints = [dataclasses.replace(h, verified=True) for h in analysis.hints]
        return dataclasses.replace(analysis, hints=hints)

    class Worker:
        def start(self) -> None:
            calls.append({"path": "<warm worker started>"})

    module.run_file = run_file  # type: ignore[attr-defined]
    module.merge = merge  # type: ignore[attr-defined]
    module.shared_worker = lambda interpreter=None: Worker()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.probe", module)


def test_probe_adds_verified_to_json_hints(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    _fake_probe(monkeypatch, _ProbeResult(), calls)
    write("a.py", BAD)
    write("broken.py", "def f(:\n")
    _, out, _ = run(
        "--check",
        "--probe",
        "--probe-timeout",
        "5",
        "--probe-interpreter",
        "python3",
        "--format",
        "json",
        "a.py",
        "broken.py",
    )
    data = _json(out)
    _check_contract(data, probe=True)
    assert data["files"][0]["hints"][0]["verified"] is True
    # Files that do not parse are not run.
    assert [(Path(c["path"]).name, c["timeout"], c["interpreter"], c["graph"]) for c in calls] == [
        ("a.py", 5.0, "python3", None)
    ]


def test_probe_error_is_a_warning_not_a_failure(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_probe(monkeypatch, _ProbeResult(error="timed out after 5s"), [])
    write("a.py", CLEAN)
    code, _, err = run("--check", "--probe", "a.py")
    assert code == 0
    assert "timed out after 5s" in err


def test_graph_writes_svg(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    _fake_probe(monkeypatch, _ProbeResult(svg="<svg/>", dot="digraph {}"), calls)
    write("a.py", CLEAN)
    code, _, _ = run("--check", "--probe", "--graph", "loss=out.svg", "a.py")
    assert code == 0
    assert calls[0]["graph"] == "loss"
    assert (tmp_path / "out.svg").read_text() == "<svg/>"


def test_graph_falls_back_to_dot(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_probe(monkeypatch, _ProbeResult(svg=None, dot="digraph {}"), [])
    write("a.py", CLEAN)
    code, _, err = run("--check", "--graph", "loss=out.svg", "a.py")
    assert code == 0
    assert (tmp_path / "out.dot").read_text() == "digraph {}"
    assert not (tmp_path / "out.svg").exists()
    assert "out.dot" in err


def test_probe_module_missing_is_usage_error(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "leaf_lsp.probe", None)
    write("a.py", CLEAN)
    code, out, err = run("--check", "--probe", "a.py")
    assert code == 2 and out == ""
    assert "leaf_lsp.probe" in err


@pytest.mark.parametrize("value", ["loss", "=out.svg", "loss="])
def test_bad_graph_argument(run: Any, write: Any, value: str) -> None:
    write("a.py", CLEAN)
    code, _, err = run("--check", "--graph", value, "a.py")
    assert code == 2 and "--graph" in err


def test_project_resolver_reaches_the_engine(
    run: Any, write: Any, fake_engine: types.ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    roots: list[Path] = []
    seen: list[Any] = []

    class JediResolver:
        def __init__(self, root: Path) -> None:
            roots.append(root)

    project = types.ModuleType("leaf_lsp.project")
    project.JediResolver = JediResolver  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.project", project)
    real = fake_engine.analyze

    def recording(source: str, path: str, settings: Any) -> Any:
        seen.append(settings.resolver)
        return real(source, path, settings)

    monkeypatch.setattr(fake_engine, "analyze", recording)
    write("proj/pyproject.toml", "[tool.leaf-lsp]\n")
    write("proj/a.py", CLEAN)
    write("proj/b.py", CLEAN)
    assert run("--check", "proj")[0] == 0
    # One resolver per project root, shared by its files.
    assert [r.resolve() for r in roots] == [(tmp_path / "proj").resolve()]
    assert len(seen) == 2 and seen[0] is seen[1] and isinstance(seen[0], JediResolver)


def test_broken_project_resolver_is_ignored(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    project = types.ModuleType("leaf_lsp.project")

    def explode(root: Path) -> None:
        raise RuntimeError("jedi exploded")

    project.ProjectResolver = explode  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.project", project)
    write("a.py", BAD)
    code, out, _ = run("--check", "a.py")
    assert code == 1 and "LEAF102" in out


def test_parallel_check_matches_serial(run: Any, write: Any, fake_engine: types.ModuleType) -> None:
    for i in range(24):
        write(f"pkg/m{i:02}.py", [BAD, OLD, CLEAN, "def f(:\n"][i % 4])
    write("pkg/blob.py", b"\x00")
    serial = run("--check", "--format", "json", "--jobs", "1", "pkg")
    parallel = run("--check", "--format", "json", "--jobs", "2", "pkg")
    assert serial[0] == parallel[0] == 1
    assert _json(parallel[1]) == _json(serial[1])
    assert _json(serial[1])["summary"]["files"] == 25


def test_parallel_internal_error_exits_2(
    run: Any, write: Any, fake_engine: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fake_engine.analyze

    def flaky(source: str, path: str, settings: Any) -> Any:
        if "boom" in source:
            raise RuntimeError("engine bug")
        return real(source, path, settings)

    monkeypatch.setattr(fake_engine, "analyze", flaky)
    for i in range(20):
        write(f"m{i:02}.py", "boom = 1\n" if i == 7 else BAD)
    code, out, err = run("--check", "--format", "json", "--jobs", "2", ".")
    assert code == 2
    assert len(_json(out)["files"]) == 19
    assert "m07.py" in err


def test_probe_warms_one_worker_for_several_files(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    _fake_probe(monkeypatch, _ProbeResult(), calls)
    write("a.py", CLEAN)
    write("b.py", CLEAN)
    assert run("--check", "--probe", "a.py")[0] == 0
    assert [Path(c["path"]).name for c in calls] == ["a.py"]  # one file: no worker to warm
    calls.clear()
    assert run("--check", "--probe", "a.py", "b.py")[0] == 0
    assert [Path(c["path"]).name for c in calls] == ["<warm worker started>", "a.py", "b.py"]
    assert all(Path(c["path"]).is_absolute() for c in calls[1:])


def test_real_probe_verifies_hints(run: Any, write: Any) -> None:
    """The real probe module (torch in a child process) confirms the fake engine's hint."""
    pytest.importorskip("torch")
    pytest.importorskip("leaf_lsp.probe")
    write("a.py", "import torch\nx = torch.tensor([1.0], requires_grad=True)\ny = x * 2\n")
    code, out, err = run("--check", "--probe", "--format", "json", "a.py")
    assert code == 0, err
    data = _json(out)
    _check_contract(data, probe=True)
    hint, run_only = data["files"][0]["hints"]
    assert (hint["name"], hint["line"], hint["verified"]) == ("x", 2, True)
    # The fake engine has no hint for y: the run gives it one, with nothing claimed statically.
    assert (run_only["name"], run_only["line"], run_only["is_leaf"], run_only["requires_grad"]) == (
        "y",
        3,
        False,
        True,
    )
    assert run_only["static"] == {"is_leaf": None, "requires_grad": None} and run_only["verified"] is None


def test_hidden_fixes_are_counted(run: Any, write: Any) -> None:
    write("a.py", BAD + "x += 1\n")
    _, out, _ = run("--check", "a.py")
    assert out.splitlines()[-2:] == [
        "Found 2 errors.",
        "(2 hidden fixes can be enabled with --unsafe-fixes.)",
    ]


@pytest.mark.parametrize(
    ("source", "summary"),
    [
        (BAD, "Found 1 error."),
        (BAD + "x += 1\n", "Found 2 errors."),
        (OLD, "Found 1 warning (1 fixable with --fix)."),
        (OLD + "w = Variable(v)\n", "Found 2 warnings (2 fixable with --fix)."),
        (
            BAD + "x += 1\n" + OLD + "w = Variable(v)\nu = Variable(w)\n",
            "Found 2 errors and 3 warnings (3 fixable with --fix).",
        ),
        (BAD + OLD + "y = INFO\n", "Found 1 error, 1 warning and 1 note (1 fixable with --fix)."),
        ("y = INFO\nz = INFO\n", "Found 2 notes."),
    ],
)
def test_summary_counts_errors_and_warnings_apart(run: Any, write: Any, source: str, summary: str) -> None:
    """Like ruff's severity-aware summary: each severity present, singular or plural, none at 0."""
    write("a.py", source)
    code, out, _ = run("--check", "a.py")
    assert code == 1
    assert summary in out.splitlines()


def test_summary_severity_follows_the_configuration(run: Any, write: Any) -> None:
    """A code raised to an error by ``[tool.leaf-lsp.severity]`` is counted as one."""
    write("pyproject.toml", '[tool.leaf-lsp.severity]\nLEAF302 = "error"\n')
    write("a.py", BAD + OLD)
    _, out, _ = run("--check", "a.py")
    assert "Found 2 errors (1 fixable with --fix)." in out.splitlines()


def test_fix_summary_tells_what_remains_by_severity(run: Any, write: Any) -> None:
    write("a.py", OLD + "y = INFO\n")
    _, out, _ = run("--check", "--fix", "a.py")
    assert "Found 2 diagnostics (1 fixed, 1 remaining: 1 note)." in out.splitlines()


# --- stdin ----------------------------------------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_is_checked(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, BAD.encode())
    code, out, _ = run("--check", "-")
    assert code == 1
    assert "-:3:1: LEAF102" in out


def test_stdin_filename_names_the_file_and_picks_its_config(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("pkg/pyproject.toml", '[tool.leaf-lsp]\nignore = ["LEAF102"]\n')
    _stdin(monkeypatch, (BAD + OLD).encode())
    code, out, _ = run("--check", "--format", "json", "--stdin-filename", "pkg/m.py", "-")
    data = _json(out)
    assert [f["path"] for f in data["files"]] == ["pkg/m.py"]
    assert [d["code"] for d in data["files"][0]["diagnostics"]] == ["LEAF302"]


def test_fix_from_stdin_prints_the_fixed_text(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, OLD.encode())
    code, out, err = run("--check", "--fix", "-")
    assert code == 0
    assert out == OLD.replace("Variable(", "torch.tensor(")
    assert "1 fixed" in err


def test_fix_from_stdin_echoes_unreadable_input_unchanged(tmp_path: Path) -> None:
    data = b"\xff\xfe not utf-8\n"
    proc = subprocess.run(
        [sys.executable, "-m", "leaf_lsp", "--check", "--fix", "-"],
        input=data,
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == data
    assert b"LEAF000" in proc.stderr


def test_stdin_must_be_the_only_path(run: Any, write: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    write("a.py", CLEAN)
    _stdin(monkeypatch, b"")
    code, _, err = run("--check", "-", "a.py")
    assert code == 2 and "only PATH" in err


def test_fix_that_cannot_write_reports_the_file_unfixed(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, text: str, bom: bool) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cli, "_write_source", refuse)
    path = write("a.py", OLD)
    code, out, err = run("--check", "--fix", "a.py")
    assert code == 2
    assert "cannot write a.py: Permission denied" in err
    assert "a.py:2:5: LEAF302 [*]" in out
    assert path.read_text() == OLD
