"""Configuration discovery through the CLI: ``[tool.leaf-lsp]``, ``--config``, overrides, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli
from leaf_lsp.config import ConfigResolver, Overrides, read_table

BAD = "import torch\nx = torch.tensor([1.0], requires_grad=True)\nx += 1\nv = Variable(x)\n"

pytestmark = pytest.mark.usefixtures("fake_engine")


@pytest.fixture
def check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., tuple[int, dict[str, list[tuple[int, str, str]]], str]]:
    """Run ``--check --format json`` from tmp_path: (exit code, {path: [(line, code, severity)]}, stderr)."""
    monkeypatch.chdir(tmp_path)

    def _check(*args: str) -> tuple[int, dict[str, list[tuple[int, str, str]]], str]:
        code = cli.main(["--check", "--format", "json", *args])
        captured = capsys.readouterr()
        data = json.loads(captured.out) if captured.out else {"files": []}
        found = {
            f["path"]: [(d["line"], d["code"], d["severity"]) for d in f["diagnostics"]]
            for f in data["files"]
        }
        return code, found, captured.err

    return _check


def test_nearest_pyproject_applies(check: Any, write: Any) -> None:
    write("pyproject.toml", '[tool.leaf-lsp]\nignore = ["LEAF302"]\n')
    write("sub/pyproject.toml", '[tool.leaf-lsp]\nselect = ["LEAF3"]\n')
    write("a.py", BAD)
    write("sub/b.py", BAD)
    code, found, err = check(".")
    assert code == 1 and err == ""
    assert found == {"a.py": [(3, "LEAF102", "error")], "sub/b.py": [(4, "LEAF302", "warning")]}


def test_pyproject_without_section_does_not_stop_search(check: Any, write: Any) -> None:
    write("pyproject.toml", '[tool.leaf-lsp]\nignore = ["LEAF1"]\n')
    write("sub/pyproject.toml", '[project]\nname = "sub"\n')
    write("sub/b.py", BAD)
    _, found, _ = check("sub/b.py")
    assert found == {"sub/b.py": [(4, "LEAF302", "warning")]}


def test_per_file_ignores_relative_to_config(check: Any, write: Any) -> None:
    write(
        "proj/pyproject.toml",
        '[tool.leaf-lsp]\n[tool.leaf-lsp.per-file-ignores]\n"tests/*.py" = ["LEAF102"]\n',
    )
    write("proj/tests/t.py", BAD)
    write("proj/src/m.py", BAD)
    _, found, _ = check("proj")
    assert found["proj/tests/t.py"] == [(4, "LEAF302", "warning")]
    assert [c for _, c, _ in found["proj/src/m.py"]] == ["LEAF102", "LEAF302"]


def test_exclude_applies_to_discovered_files_only(check: Any, write: Any) -> None:
    write("pyproject.toml", '[tool.leaf-lsp]\nexclude = ["generated/**", "legacy_*.py"]\n')
    write("generated/deep/g.py", BAD)
    write("legacy_x.py", BAD)
    write("pkg/legacy_y.py", BAD)
    write("keep.py", BAD)
    _, found, _ = check(".")
    assert sorted(found) == ["keep.py"]
    # Named explicitly, an excluded file is still checked.
    _, found, _ = check("legacy_x.py", "generated/deep/g.py")
    assert sorted(found) == ["generated/deep/g.py", "legacy_x.py"]


def test_severity_and_extend_select(check: Any, write: Any) -> None:
    write(
        "pyproject.toml",
        '[tool.leaf-lsp]\nselect = ["LEAF1"]\nextend-select = ["LEAF302"]\n'
        '[tool.leaf-lsp.severity]\nLEAF302 = "information"\n',
    )
    write("a.py", BAD)
    _, found, _ = check("a.py")
    assert found["a.py"] == [(3, "LEAF102", "error"), (4, "LEAF302", "information")]


def test_command_line_overrides_config(check: Any, write: Any) -> None:
    write(
        "pyproject.toml",
        '[tool.leaf-lsp]\nselect = ["LEAF1"]\nextend-select = ["LEAF2"]\nignore = ["LEAF102"]\n',
    )
    write("a.py", BAD)
    _, found, _ = check("a.py")
    assert found["a.py"] == []
    _, found, _ = check("--ignore", "LEAF302", "a.py")
    assert [c for _, c, _ in found["a.py"]] == ["LEAF102"]
    _, found, _ = check("--select", "LEAF3", "a.py")
    assert [c for _, c, _ in found["a.py"]] == ["LEAF302"]
    _, found, _ = check("--extend-select", "LEAF3", "a.py")
    assert [c for _, c, _ in found["a.py"]] == ["LEAF302"]


def test_explicit_config(check: Any, write: Any) -> None:
    write("pyproject.toml", '[tool.leaf-lsp]\nignore = ["LEAF1"]\n')
    write("other.toml", '[tool.leaf-lsp]\nignore = ["LEAF3"]\n')
    write("a.py", BAD)
    _, found, _ = check("--config", "other.toml", "a.py")
    assert [c for _, c, _ in found["a.py"]] == ["LEAF102"]


def test_missing_explicit_config_is_usage_error(check: Any, write: Any) -> None:
    write("a.py", BAD)
    code, found, err = check("--config", "nope.toml", "a.py")
    assert code == 2 and found == {}
    assert "nope.toml" in err


@pytest.mark.parametrize(
    ("table", "expected_codes", "warning"),
    [
        ('select = "LEAF1"\nignore = 7\n', ["LEAF102"], "`ignore` must be a list"),
        ('select = ["BOGUS1", "LEAF3"]\n', ["LEAF302"], "BOGUS1"),
        ('exclude = "x"\n[tool.leaf-lsp.severity]\nLEAF102 = "fatal"\n', ["LEAF102", "LEAF302"], "fatal"),
        ("per-file-ignores = 3\n", ["LEAF102", "LEAF302"], "per-file-ignores"),
    ],
)
def test_invalid_config_warns_and_runs(
    check: Any, write: Any, table: str, expected_codes: list[str], warning: str
) -> None:
    write("pyproject.toml", "[tool.leaf-lsp]\n" + table)
    write("a.py", BAD)
    code, found, err = check("a.py")
    assert code == 1
    assert [c for _, c, _ in found["a.py"]] == expected_codes
    assert "warning" in err and warning in err
    assert err.count(warning) == 1  # reported once, not per file


def test_invalid_toml_warns_and_uses_defaults(check: Any, write: Any) -> None:
    write("pyproject.toml", "[tool.leaf-lsp]\nselect = [\n")
    write("a.py", BAD)
    write("b.py", BAD)
    code, found, err = check(".")
    assert code == 1
    assert [c for _, c, _ in found["a.py"]] == ["LEAF102", "LEAF302"]
    assert "invalid TOML" in err and err.count("invalid TOML") == 1


def test_section_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool]\n"leaf-lsp" = 3\n')
    table, problems = read_table(path)
    assert table == {} and "must be a table" in problems[0]


def test_resolver_caches_and_relativises(tmp_path: Path) -> None:
    (tmp_path / "proj" / "src").mkdir(parents=True)
    (tmp_path / "proj" / "pyproject.toml").write_text('[tool.leaf-lsp]\nignore = ["LEAF2"]\n')
    resolver = ConfigResolver(overrides=Overrides(select=("LEAF1",)))
    config = resolver.for_file(tmp_path / "proj" / "src" / "m.py")
    assert config.source == (tmp_path / "proj" / "pyproject.toml").resolve()
    assert config.relative(tmp_path / "proj" / "src" / "m.py") == "src/m.py"
    assert config.settings.select == ("LEAF1",) and config.settings.ignore == ("LEAF2",)
    assert resolver.for_file(tmp_path / "proj" / "other.py") is config
    outside = resolver.for_file(tmp_path / "elsewhere.py")
    assert outside.source != config.source


def test_explicit_config_without_section_warns(check: Any, write: Any) -> None:
    write("other.toml", '[project]\nname = "x"\n')
    write("a.py", BAD)
    code, found, err = check("--config", "other.toml", "a.py")
    assert code == 1
    assert [c for _, c, _ in found["a.py"]] == ["LEAF102", "LEAF302"]
    assert "no [tool.leaf-lsp] table" in err


def test_without_a_toml_reader_config_is_skipped_with_a_warning(
    check: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python 3.10 without tomli: the table cannot be read; defaults apply, with a warning."""
    from leaf_lsp import config

    monkeypatch.setattr(config, "_toml", lambda: None)
    write("pyproject.toml", '[tool.leaf-lsp]\nignore = ["LEAF1"]\n')
    write("a.py", BAD)
    code, found, err = check("a.py")
    assert code == 1
    assert [c for _, c, _ in found["a.py"]] == ["LEAF102", "LEAF302"]
    assert "tomli" in err
