"""``--probe`` options: limits validated by argparse before anything runs, and only files named on
the command line are run unless ``--probe-all`` asks for every file found in folders."""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli

CLEAN = "import torch\ny = torch.ones(2)\n"

pytestmark = pytest.mark.usefixtures("fake_engine")

Run = Callable[..., tuple[int, str, str]]


class _Result:
    graph_svg = None
    graph_dot = None
    graph_error = None
    error = None
    notes: list[str] = []


@pytest.fixture
def probed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A stand-in probe module; returns the file names it was asked to run."""
    calls: list[str] = []
    module = types.ModuleType("leaf_lsp.probe")

    def run_file(path: str, **kwargs: Any) -> _Result:
        calls.append(Path(path).name)
        return _Result()

    def merge(analysis: Any, result: Any, source: Any = None) -> Any:
        return dataclasses.replace(analysis)

    class Worker:
        def start(self) -> None:
            pass

    module.run_file = run_file  # type: ignore[attr-defined]
    module.merge = merge  # type: ignore[attr-defined]
    module.shared_worker = lambda interpreter=None: Worker()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.probe", module)
    return calls


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "0", "1e9", "3601", "soon"])
def test_bad_probe_timeout_is_a_usage_error(run: Run, write: Any, probed: list[str], value: str) -> None:
    write("a.py", CLEAN)
    code, out, err = run("--check", "--probe", "--probe-timeout", value, "a.py")
    assert code == 2 and out == ""
    assert "--probe-timeout" in err
    assert probed == []


@pytest.mark.parametrize("value", ["0.5", "30", "3600"])
def test_good_probe_timeouts_are_accepted(run: Run, write: Any, probed: list[str], value: str) -> None:
    write("a.py", CLEAN)
    code, _, _ = run("--check", "--probe", "--probe-timeout", value, "a.py")
    assert code == 0 and probed == ["a.py"]


@pytest.mark.parametrize(
    "paths", [["."], [], ["pkg"], ["a.py", "pkg"]], ids=["dot", "default", "folder", "mixed"]
)
def test_probe_refuses_folders(run: Run, write: Any, probed: list[str], paths: list[str]) -> None:
    write("a.py", CLEAN)
    write("pkg/setup.py", CLEAN)
    write("pkg/conftest.py", CLEAN)
    code, out, err = run("--check", "--probe", *paths)
    assert code == 2 and out == ""
    assert "--probe-all" in err
    assert probed == []


def test_graph_also_refuses_folders(run: Run, write: Any, probed: list[str]) -> None:
    write("pkg/setup.py", CLEAN)
    code, _, err = run("--check", "--graph", "loss=out.svg", "pkg")
    assert code == 2 and "--probe-all" in err
    assert probed == []


def test_probe_runs_the_files_named(run: Run, write: Any, probed: list[str]) -> None:
    write("a.py", CLEAN)
    write("pkg/b.py", CLEAN)
    write("pkg/setup.py", CLEAN)
    code, _, _ = run("--check", "--probe", "a.py", "pkg/b.py")
    assert code == 0
    assert probed == ["a.py", "b.py"]


def test_probe_all_runs_every_file_found(run: Run, write: Any, probed: list[str]) -> None:
    write("pkg/b.py", CLEAN)
    write("pkg/setup.py", CLEAN)
    write("pkg/conftest.py", CLEAN)
    code, _, _ = run("--check", "--probe-all", "pkg")
    assert code == 0
    assert sorted(probed) == ["b.py", "conftest.py", "setup.py"]


def test_probe_all_only_applies_with_check(run: Run, probed: list[str]) -> None:
    code, _, err = run("--probe-all")
    assert code == 2 and "--probe-all" in err


def test_help_says_what_the_probe_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--probe-all" in out and "setup.py" in out
    assert "--tcp-token" in out and "--tcp-allow-remote" in out
