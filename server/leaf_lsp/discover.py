"""Finding the files a ``leaf-lsp --check`` run looks at.

Directories are walked recursively for ``*.py`` files, skipping version-control folders,
virtual environments, caches and build output. Files named explicitly are always checked,
whatever their suffix; exclude patterns only apply to files found by walking.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Directory names never descended into.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)


@dataclass(frozen=True)
class Target:
    """One file to check. ``display`` is the path as given or as found under a given folder."""

    path: Path
    display: str
    explicit: bool


class MissingPathError(Exception):
    """A path named on the command line does not exist."""


def is_skipped_dir(path: Path) -> bool:
    """Whether a directory is one the walk never enters (caches, venvs, build output)."""
    name = path.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    # Any virtualenv, whatever it is called, has a pyvenv.cfg at its root.
    return (path / "pyvenv.cfg").is_file()


def iter_targets(
    paths: list[str],
    excluded: Callable[[Path], bool] | None = None,
) -> Iterator[Target]:
    """Yield the files to check for the command-line ``paths`` (no paths: the current folder).

    ``excluded(path)`` says whether a file or folder found by walking is excluded by
    configuration. Raises :class:`MissingPathError` for the first path that does not exist,
    before yielding anything, so a typo never yields a partial run.
    """
    given = paths or ["."]
    for raw in given:
        if not os.path.lexists(raw):
            raise MissingPathError(raw)
    seen: set[Path] = set()
    for raw in given:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, excluded):
                key = _identity(found)
                if key not in seen:
                    seen.add(key)
                    # pathlib drops a leading "./", so files print as "pkg/mod.py" like ruff's.
                    yield Target(found, found.as_posix(), explicit=False)
        else:
            key = _identity(path)
            if key not in seen:
                seen.add(key)
                yield Target(path, raw, explicit=True)


def _walk(root: Path, excluded: Callable[[Path], bool] | None) -> Iterator[Path]:
    def on_error(_error: OSError) -> None:
        # An unreadable folder is skipped, like ruff does; its files cannot be reported on.
        return None

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            if is_skipped_dir(sub) or (excluded is not None and excluded(sub)):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not fnmatch.fnmatchcase(name, "*.py"):
                continue
            file = here / name
            if excluded is not None and excluded(file):
                continue
            yield file


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
