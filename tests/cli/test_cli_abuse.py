"""``leaf-lsp --check`` under careless or hostile input: selection, workers, permissions, names.

Each case is one that crashed, misreported or silently did nothing. Folder permissions are
checked with the effective user switched to ``nobody`` when the tests run as root (root
ignores permission bits, and CI runs as root).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cli
from leaf_lsp.discover import Target

BAD = "import torch\nx = torch.tensor([1.0], requires_grad=True)\nx += 1\n"

pytestmark = pytest.mark.usefixtures("fake_engine")

Run = Callable[..., tuple[int, str, str]]


def _codes(out: str) -> dict[str, list[str]]:
    data: dict[str, Any] = json.loads(out)
    return {f["path"]: [d["code"] for d in f["diagnostics"]] for f in data["files"]}


# --- rule selection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "flags",
    [
        ["--ignore", "ALL"],
        ["--ignore", "LEAF"],
        ["--select", "LEAF1", "--ignore", "LEAF1"],
        ["--select", "LEAF102", "--ignore", "LEAF102"],
        ["--select", "ALL", "--ignore", "ALL"],
    ],
)
def test_ignore_wins_over_select_at_the_same_specificity(run: Run, write: Any, flags: list[str]) -> None:
    write("a.py", BAD)
    code, out, err = run("--check", "--format", "json", *flags, "a.py")
    assert (code, _codes(out), err) == (0, {"a.py": []}, "")


def test_more_specific_select_beats_a_broader_ignore(run: Run, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("--check", "--format", "json", "--select", "LEAF102", "--ignore", "LEAF1", "a.py")
    assert (code, _codes(out)) == (1, {"a.py": ["LEAF102"]})


def test_select_all_selects_every_rule(run: Run, write: Any) -> None:
    write("a.py", BAD)
    code, out, _ = run("--check", "--format", "json", "--select", "ALL", "a.py")
    assert (code, _codes(out)) == (1, {"a.py": ["LEAF102"]})


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--select", "LEAF999", "unknown rule selector 'LEAF999'"),
        ("--ignore", "LEAF9", "unknown rule selector 'LEAF9'"),
        ("--extend-select", "E501", "unknown rule selector 'E501'"),
        ("--select", "", "expects a comma-separated list"),
        ("--select", " , ", "expects a comma-separated list"),
    ],
)
def test_unknown_or_empty_selectors_are_usage_errors(
    run: Run, write: Any, flag: str, value: str, message: str
) -> None:
    write("a.py", BAD)
    code, out, err = run("--check", f"{flag}={value}", "a.py")
    assert code == cli.EXIT_ERROR and out == ""
    assert message in err and "Traceback" not in err


# --- workers ------------------------------------------------------------------------------


def test_jobs_are_capped_by_files_and_cores(tmp_path: Path) -> None:
    work: Any = [(Target(tmp_path / f"{i}.py", f"{i}.py", True), None) for i in range(3)]
    assert cli._job_count(100_000, work) == 3
    many: Any = work * 1000
    assert cli._job_count(100_000, many) == 2 * (os.cpu_count() or 1)
    assert cli._job_count(0, work) == 1


# --- permissions --------------------------------------------------------------------------


@contextlib.contextmanager
def unprivileged() -> Iterator[None]:
    """Permission bits apply inside: as root, the effective user is ``nobody`` meanwhile."""
    if os.geteuid() != 0:
        yield
        return
    # What the CLI imports lazily is imported now: the checkout may not be readable by nobody.
    import leaf_lsp.project
    import leaf_lsp.report
    from leaf_lsp.rules.base import all_rules

    all_rules()
    assert leaf_lsp.project and leaf_lsp.report
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def shared_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder that ``nobody`` can enter (pytest's tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="leaf-lsp-perm-"))
    folder.chmod(0o755)
    monkeypatch.chdir(folder)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        with contextlib.suppress(OSError):
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)


def _project(root: Path) -> None:
    for relative, mode in (("pkg/ok.py", None), ("pkg/locked/a.py", 0o000), ("pkg/nosearch/b.py", 0o444)):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o755)
        path.write_text(BAD, encoding="utf-8")
        path.chmod(0o644)
        if mode is not None:
            path.parent.chmod(mode)


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with unprivileged():
        code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_unreadable_folders_are_reported_and_the_run_goes_on(
    shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(shared_dir)
    code, out, err = _main(capsys, "--check", "--format", "json", "pkg")
    assert code == 1 and "Traceback" not in err
    data = json.loads(out)
    by_path = {f["path"]: f["diagnostics"] for f in data["files"]}
    assert [d["code"] for d in by_path["pkg/ok.py"]] == ["LEAF102"]
    assert [d["code"] for d in by_path["pkg/locked"]] == ["LEAF000"]
    assert "cannot read folder" in by_path["pkg/locked"][0]["message"]
    assert "permission denied" in by_path["pkg/nosearch/b.py"][0]["message"].lower()


def test_text_and_json_report_the_same_unreadable_folder(
    shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(shared_dir)
    code, out, err = _main(capsys, "--check", "pkg")
    assert code == 1 and "Traceback" not in err
    assert "pkg/locked:1:1: LEAF000 cannot read folder" in out


@pytest.mark.parametrize("name", ["pkg/locked/a.py", "pkg/nosearch/b.py"])
def test_a_file_behind_a_closed_folder_is_permission_denied_not_missing(
    shared_dir: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    _project(shared_dir)
    code, out, err = _main(capsys, "--check", name)
    assert code == 1 and "no such file" not in err
    assert f"{name}:1:1: LEAF000 cannot read file: Permission denied" in out


def test_a_missing_file_is_still_a_usage_error(run: Run) -> None:
    code, _, err = run("--check", "nope/missing.py")
    assert code == cli.EXIT_ERROR and "no such file or directory: nope/missing.py" in err


# --- names and encodings ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "json", "text", "github"])
def test_a_file_name_that_is_not_utf8_is_reported_in_every_format(run: Run, tmp_path: Path, fmt: str) -> None:
    name = os.fsdecode(b"bad\xff.py")
    try:
        (tmp_path / name).write_text(BAD, encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system does not take arbitrary bytes in names")
    code, out, err = run("--check", "--format", fmt, ".")
    assert code == 1 and "Traceback" not in err
    if fmt == "sarif":
        result = json.loads(out)["runs"][0]["results"][0]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad%FF.py"
    else:
        assert "LEAF102" in out


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("x = 1\n".encode("utf-16"), "UTF-16"),
        ("x = 1\ny = 2\n".encode("utf-16-le"), "UTF-16"),
        ("x = 1\ny = 2\n".encode("utf-16-be"), "UTF-16"),
        ("x = 1\n".encode("utf-32"), "UTF-32"),
    ],
)
def test_wide_encodings_are_named_not_called_binary(run: Run, write: Any, data: bytes, encoding: str) -> None:
    write("wide.py", data)
    code, out, _ = run("--check", "wide.py")
    assert code == 1
    assert f"wide.py:1:1: LEAF000 file is {encoding}, which is not supported" in out
    assert "binary" not in out


def test_a_real_binary_file_is_still_binary(run: Run, write: Any) -> None:
    write("blob.py", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00garbage")
    code, out, _ = run("--check", "blob.py")
    assert code == 1 and "binary file" in out
