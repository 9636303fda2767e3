"""The result cache of ``leaf-lsp --check`` with the real engine: the same answers with and
without it, serially and in parallel; invalidated when a file or a module it imports
changes; a corrupt entry is never trusted; ``--no-cache``, ``cache-dir`` and the size bound."""

from __future__ import annotations

import json
import sys
import threading
import types
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp import cache as cache_module
from leaf_lsp.cache import CACHE_DIR_NAME, ResultCache
from leaf_lsp.digests import bytes_hash
from leaf_lsp.model import Analysis, Diagnostic, Hint, ReasonStep, Span
from leaf_lsp.settings import Settings

HELPERS = """import torch

def make(n):
    return torch.zeros(n, requires_grad=True)

def frozen(n):
    return torch.zeros(n)
"""

USER = """import torch
from .helpers import make

w = make(3)
w += 1
"""

MODEL = """import torch
from torch import nn
from .helpers import frozen

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, x):
        return self.fc(x)

net = Net()
opt = torch.optim.SGD(net.parameters(), lr=0.1)
a = frozen(2)
a.requires_grad = True
b = torch.ones(2, requires_grad=True)
b.data.add_(1)
"""


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LEAF_LSP_NO_CACHE", raising=False)
    # This user's signing key, in a folder of the test's own.
    monkeypatch.setenv("LEAF_LSP_KEY_DIR", str(tmp_path / "user-cache"))


def _package(write: Any, files: int = 20) -> None:
    write("proj/pyproject.toml", "[project]\nname = 'proj'\n")
    write("proj/pkg/__init__.py", "")
    write("proj/pkg/helpers.py", HELPERS)
    for i in range(files):
        write(f"proj/pkg/m{i:02}.py", USER if i % 2 else MODEL)


def _entries(root: Path) -> list[Path]:
    return sorted(root.glob(f"{CACHE_DIR_NAME}/*/*.entry"))


def test_results_identical_with_and_without_cache_and_jobs(run: Any, write: Any, tmp_path: Path) -> None:
    _package(write)
    run("--check", "--no-cache", "proj")
    assert not _entries(tmp_path / "proj")
    for fmt in ("json", "text"):
        fresh = run("--check", "--format", fmt, "--no-cache", "--jobs", "1", "proj")
        cold = run("--check", "--format", fmt, "--jobs", "1", "proj")
        warm = run("--check", "--format", fmt, "proj")
        parallel_warm = run("--check", "--format", fmt, "--jobs", "2", "proj")
        parallel_fresh = run("--check", "--format", fmt, "--no-cache", "--jobs", "2", "proj")
        assert fresh[0] == 1
        assert fresh[:2] == cold[:2] == warm[:2] == parallel_warm[:2] == parallel_fresh[:2]
    assert "LEAF102" in fresh[1]
    data = json.loads(run("--check", "--format", "json", "proj")[1])
    assert any(f["hints"] for f in data["files"])
    # One per file: the text runs used the entries the JSON runs made (with hints).
    assert len(_entries(tmp_path / "proj")) == 22


def test_warm_run_does_not_analyse(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=4)
    cold = run("--check", "--format", "json", "proj")
    broken = types.ModuleType("leaf_lsp.engine")

    def refuse(*args: object) -> None:
        raise AssertionError("analysed although nothing changed")

    broken.analyze = refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "leaf_lsp.engine", broken)
    assert run("--check", "--format", "json", "proj")[:2] == cold[:2]
    # A text run can use the entries a run with hints made.
    text = run("--check", "proj")
    assert text[0] == 1 and "LEAF102" in text[1]


def test_edited_import_invalidates_its_importers(run: Any, write: Any, tmp_path: Path) -> None:
    _package(write, files=2)
    before = run("--check", "--format", "json", "proj")
    assert "LEAF102" in before[1]
    write("proj/pkg/helpers.py", HELPERS.replace("requires_grad=True", "requires_grad=False"))
    after = run("--check", "--format", "json", "proj")
    assert after[:2] == run("--check", "--format", "json", "--no-cache", "proj")[:2]
    assert "LEAF102" not in after[1]
    # And back: the importer's result follows its import again.
    write("proj/pkg/helpers.py", HELPERS)
    assert run("--check", "--format", "json", "proj")[:2] == before[:2]


def test_same_import_in_another_folder_is_checked_on_its_own(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Answers are shared by the files of one folder: not by files of two folders that
    # import modules of the same name.
    write("proj/pyproject.toml", "[project]\nname = 'proj'\n")
    for package in ("one", "two"):
        write(f"proj/{package}/__init__.py", "")
        write(f"proj/{package}/helpers.py", HELPERS)
        write(f"proj/{package}/user.py", USER)
    run("--check", "proj")
    write("proj/two/helpers.py", HELPERS.replace("requires_grad=True", "requires_grad=False"))
    analysed = _analysed_paths(monkeypatch)
    after = run("--check", "proj")
    assert sorted(analysed) == ["helpers.py", "user.py"]
    assert after[:2] == run("--check", "--no-cache", "proj")[:2]
    assert "one/user.py:5:1: LEAF102" in after[1] and "two/user.py" not in after[1]


def _analysed_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the engine analyses from now on (the cache's misses)."""
    from leaf_lsp import cli

    seen: list[str] = []
    real = cli.analyze

    def counting(source: str, path: str, settings: Any, *rest: Any, **options: Any) -> Any:
        seen.append(Path(path).name)
        return real(source, path, settings, *rest, **options)

    monkeypatch.setattr(cli, "analyze", counting)
    return seen


def test_comment_edit_of_an_import_keeps_its_importers(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=4)
    before = run("--check", "--format", "json", "proj")
    edited = HELPERS.replace("    return torch.zeros(n)\n", "    return torch.zeros(n)  # no grad here\n")
    write("proj/pkg/helpers.py", edited + "\n\n# the end\n")
    analysed = _analysed_paths(monkeypatch)
    assert run("--check", "--format", "json", "proj")[:2] == before[:2]
    # Only the edited module itself is analysed again; its importers' results still hold.
    assert analysed == ["helpers.py"]
    assert run("--check", "--format", "json", "--no-cache", "proj")[:2] == before[:2]


def test_code_moved_by_an_edit_invalidates_its_importers(
    run: Any, write: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=2)
    run("--check", "--format", "json", "proj")
    # A comment line above the code moves every position in it: not the same code.
    write("proj/pkg/helpers.py", "# helpers\n" + HELPERS)
    analysed = _analysed_paths(monkeypatch)
    after = run("--check", "--format", "json", "proj")
    assert sorted(analysed) == ["helpers.py", "m00.py", "m01.py"]
    assert after[:2] == run("--check", "--format", "json", "--no-cache", "proj")[:2]


def test_planted_old_text_is_not_taken_for_the_old_version(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=2)
    run("--check", "--format", "json", "proj")
    kept = sorted((tmp_path / "proj" / CACHE_DIR_NAME).glob("*/texts/*.py"))
    assert kept
    changed = HELPERS.replace("requires_grad=True", "requires_grad=False")
    for path in kept:
        path.write_text(changed)  # as if the old version had been this one
    write("proj/pkg/helpers.py", changed)
    after = run("--check", "--format", "json", "proj")
    assert "LEAF102" not in after[1]
    assert after[:2] == run("--check", "--format", "json", "--no-cache", "proj")[:2]


def test_edited_file_is_analysed_again(run: Any, write: Any) -> None:
    _package(write, files=2)
    run("--check", "proj")
    write("proj/pkg/m01.py", USER.replace("w += 1", "w = w + 1"))
    code, out, _ = run("--check", "proj")
    assert "m01.py" not in out
    assert (code, out) == run("--check", "--no-cache", "proj")[:2]


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"format": 1}',
        b"[" * 100_000,
    ],
)
def test_corrupt_entries_are_ignored(run: Any, write: Any, tmp_path: Path, garbage: bytes) -> None:
    _package(write, files=2)
    expected = run("--check", "--format", "json", "proj")
    entries = _entries(tmp_path / "proj")
    assert entries
    for entry in entries:
        entry.write_bytes(garbage)
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]
    # Rewritten: the next run reads good entries again.
    assert all(
        json.loads(entry.read_bytes().split(b"\n")[1])["format"] == cache_module.FORMAT
        for entry in _entries(tmp_path / "proj")
    )


def _payload(head: dict[str, Any], hints: object, rendered: bytes) -> bytes:
    return json.dumps(head).encode() + b"\n" + json.dumps(hints).encode() + b"\n" + rendered


def _resign(entry: Path, head: dict[str, Any], hints: object, rendered: bytes = b"") -> None:
    """Rewrite ``entry`` with this user's key, as if leaf-lsp had written it."""
    payload = _payload(head, hints, rendered)
    key = cache_module.signing_key()
    assert key is not None
    entry.write_bytes(cache_module._sign(key, payload) + b"\n" + payload)


def _parts(entry: Path) -> tuple[dict[str, Any], Any, bytes]:
    _signature, head, hints, rendered = entry.read_bytes().split(b"\n", 3)
    return json.loads(head), json.loads(hints), rendered


def test_entry_of_the_wrong_shape_is_ignored(run: Any, write: Any, tmp_path: Path) -> None:
    _package(write, files=2)
    expected = run("--check", "--format", "json", "proj")
    for number, entry in enumerate(_entries(tmp_path / "proj")):
        head, _hints, rendered = _parts(entry)
        for diagnostic in head["analysis"]["diagnostics"]:
            diagnostic[2] = "catastrophic"  # not a severity
            diagnostic[4] = ["1", 0, 1, 0]  # not a span
        _resign(entry, head, {"not": "a list"} if number % 2 else [[1, 2]], rendered)
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]
    assert (
        run("--check", "--show-hints", "proj")[:2] == run("--check", "--no-cache", "--show-hints", "proj")[:2]
    )


def test_entry_not_signed_by_this_user_is_never_trusted(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder committed to a repository, or an entry edited by hand, is a miss:
    its well-formed answer (here: no diagnostics) is never reported."""
    _package(write, files=2)
    expected = run("--check", "--format", "json", "proj")
    assert json.loads(expected[1])["summary"]["diagnostics"] > 0
    for entry in _entries(tmp_path / "proj"):
        head, hints, rendered = _parts(entry)
        head["analysis"]["diagnostics"] = []
        payload = _payload(head, hints, rendered)
        entry.write_bytes(entry.read_bytes().split(b"\n")[0] + b"\n" + payload)  # old signature
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]
    # Signed with another user's key: just as untrusted.
    for entry in _entries(tmp_path / "proj"):
        head, hints, rendered = _parts(entry)
        head["analysis"]["diagnostics"] = []
        payload = _payload(head, hints, rendered)
        entry.write_bytes(cache_module._sign(b"k" * 64, payload) + b"\n" + payload)
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]
    # The same entries, signed with this user's key, are what leaf-lsp would have written.
    for entry in _entries(tmp_path / "proj"):
        head, hints, rendered = _parts(entry)
        head["analysis"]["diagnostics"] = []
        _resign(entry, head, hints, rendered)
    assert json.loads(run("--check", "--format", "json", "proj")[1])["summary"]["diagnostics"] == 0


def test_sections_of_two_entries_cannot_be_put_together(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each section has its own digest, bound to its entry's header: the hints of one file,
    with their own valid digest, are not taken for another file's."""
    _package(write, files=2)
    expected = run("--check", "--format", "json", "proj")
    entries = _entries(tmp_path / "proj")
    split = [entry.read_bytes().split(b"\n", 3) for entry in entries]
    donor = max(split, key=lambda parts: len(parts[3]))
    for entry, (seals, head, _hints, _rendered) in zip(entries, split, strict=True):
        own = seals.split(b" ")
        borrowed = donor[0].split(b" ")
        entry.write_bytes(
            b"\n".join([b" ".join([own[0], borrowed[1], borrowed[2]]), head, donor[2], donor[3]])
        )
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]
    # A text run reads no hints: a damaged hints section does not cost it the entry.
    run("--check", "--format", "json", "proj")
    for entry in _entries(tmp_path / "proj"):
        seals, head, hints, rendered = entry.read_bytes().split(b"\n", 3)
        entry.write_bytes(b"\n".join([seals, head, b"[damaged", rendered]))
    analysed = _analysed_paths(monkeypatch)
    text = run("--check", "proj")
    assert analysed == []
    assert text[:2] == run("--check", "--no-cache", "proj")[:2]
    assert run("--check", "--format", "json", "proj")[:2] == expected[:2]


def test_no_key_means_nothing_is_kept_or_read(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=2)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("LEAF_LSP_KEY_DIR", str(blocker))
    expected = run("--check", "--no-cache", "proj")
    assert run("--check", "proj")[:2] == expected[:2]
    assert not _entries(tmp_path / "proj")


def test_no_cache_and_environment_keep_nothing(
    run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _package(write, files=2)
    assert run("--check", "--no-cache", "proj")[0] == 1
    monkeypatch.setenv("LEAF_LSP_NO_CACHE", "1")
    assert run("--check", "proj")[0] == 1
    assert not (tmp_path / "proj" / CACHE_DIR_NAME).exists()


def test_cache_dir_setting(run: Any, write: Any, tmp_path: Path) -> None:
    _package(write, files=2)
    write("proj/pyproject.toml", "[tool.leaf-lsp]\ncache-dir = 'build/lint-cache'\n")
    assert run("--check", "proj")[0] == 1
    folder = tmp_path / "proj" / "build" / "lint-cache"
    assert list(folder.glob("*/*.entry"))
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert not (tmp_path / "proj" / CACHE_DIR_NAME).exists()
    write("proj/pyproject.toml", "[tool.leaf-lsp]\ncache-dir = 3\n")
    code, _, err = run("--check", "proj")
    assert code == 1 and "cache-dir" in err


def test_folder_stays_bounded(run: Any, write: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 10)
    _package(write, files=20)
    run("--check", "proj")
    assert len(_entries(tmp_path / "proj")) <= 10


def _analysis(path: str, message: str) -> Analysis:
    span = Span(1, 0, 1, 4)
    return Analysis(
        path=path,
        diagnostics=[Diagnostic("LEAF102", "inplace-on-leaf", "error", message, span)],
        hints=[Hint("x", 1, span, True, True, (ReasonStep(1, "made here"),))],
    )


def test_concurrent_writers_never_leave_a_broken_entry(tmp_path: Path) -> None:
    settings = Settings()
    text = "x = 1\n"
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        cache = ResultCache(tmp_path / "c")
        try:
            for i in range(40):
                cache.put(
                    "/p/a.py",
                    bytes_hash(text.encode()),
                    settings,
                    _analysis("/p/a.py", f"writer {n} round {i} " * 200),
                )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]

    def reader(seen: list[str]) -> None:
        # Reads while the writers write, and once more after: never a torn entry.
        cache = ResultCache(tmp_path / "c")
        while True:
            finished = not any(thread.is_alive() for thread in writers)
            found = cache.get("/p/a.py", bytes_hash(text.encode()), settings, lambda _dependency: True)
            if found is not None:
                seen.append(found.diagnostics[0].message)
            if finished:
                return

    seen: list[str] = []
    threads = [*writers, threading.Thread(target=reader, args=(seen,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    written = {f"writer {n} round {i} " * 200 for n in range(3) for i in range(40)}
    assert seen and all(message in written for message in seen)
    final = ResultCache(tmp_path / "c").get(
        "/p/a.py", bytes_hash(text.encode()), settings, lambda _dependency: True
    )
    assert final is not None and final.diagnostics[0].message in written
    assert not list((tmp_path / "c").glob("*/.tmp-*"))


def test_module_that_appears_invalidates_its_importers(run: Any, write: Any) -> None:
    _package(write, files=0)
    write("proj/pkg/user.py", USER.replace(".helpers", ".later"))
    before = run("--check", "proj")
    assert "LEAF102" not in before[1]  # `make` is unknown while `later` does not exist
    write("proj/pkg/later.py", HELPERS)
    after = run("--check", "proj")
    assert after[:2] == run("--check", "--no-cache", "proj")[:2]
    assert "user.py:5:1: LEAF102" in after[1]


def test_settings_are_part_of_the_key(run: Any, write: Any) -> None:
    _package(write, files=2)
    assert "LEAF102" in run("--check", "proj")[1]
    assert (
        run("--check", "--ignore", "LEAF102", "proj")[:2]
        == run("--check", "--no-cache", "--ignore", "LEAF102", "proj")[:2]
    )
    assert "LEAF102" in run("--check", "proj")[1]


def test_key_is_made_without_hard_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a drive without hard links the key is renamed into place; it is then reused."""

    def no_links(*args: object) -> None:
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(cache_module.os, "link", no_links)
    monkeypatch.setenv("LEAF_LSP_KEY_DIR", str(tmp_path / "no-links"))
    key = cache_module.signing_key()
    assert key is not None and len(key) == 64
    assert (tmp_path / "no-links" / "cache-key").read_bytes() == key
    assert not list((tmp_path / "no-links").glob(".tmp-key-*"))
