"""Finding the files a ``leaf-lsp --check`` run looks at.

Directories are walked recursively for ``*.py`` files and Jupyter notebooks (``*.ipynb``), skipping version-control folders,
virtual environments, caches and build output. Files named explicitly are always checked,
whatever their suffix; exclude patterns only apply to files found by walking. A folder that
cannot be read, or a named file that cannot be reached, becomes a target with a ``problem``,
so it is reported instead of silently skipped.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .realpaths import RealPaths

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
        ".leaf_lsp_cache",
    }
)

#: The files a folder run checks.
CHECKED_FILES = ("*.py", "*.ipynb")


@dataclass(frozen=True)
class Target:
    """One file to check. ``display`` is the path as given or as found under a given folder."""

    path: Path
    display: str
    explicit: bool
    #: Why the target cannot be checked (an unreadable folder, a file behind a folder that
    #: cannot be searched); None for a target to read and analyse.
    problem: str | None = None
    #: The real path (absolute, links resolved), when discovery worked it out.
    real: Path | None = None


class MissingPathError(Exception):
    """A path named on the command line does not exist."""


def is_skipped_dir(path: Path) -> bool:
    """Whether a directory is one the walk never enters (caches, venvs, build output)."""
    name = path.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    # Any virtualenv, whatever it is called, has a pyvenv.cfg at its root.
    try:
        return (path / "pyvenv.cfg").is_file()
    except OSError:
        return False  # not searchable: the walk reports it when it tries to list it


def iter_targets(
    paths: list[str],
    excluded: Callable[[Path], bool] | None = None,
    real: RealPaths | None = None,
) -> Iterator[Target]:
    """Yield the files to check for the command-line ``paths`` (no paths: the current folder).

    ``excluded(path)`` says whether a file or folder found by walking is excluded by
    configuration. Raises :class:`MissingPathError` for the first path that does not exist,
    before yielding anything, so a typo never yields a partial run.
    """
    given = paths or ["."]
    blocked: dict[str, str] = {}
    for raw in given:
        try:
            os.lstat(raw)
        except PermissionError as error:
            # The path may well exist: a folder above it cannot be searched.
            blocked[raw] = f"cannot read file: {error.strerror or 'permission denied'}"
        except (OSError, ValueError):
            raise MissingPathError(raw) from None
    real = RealPaths() if real is None else real
    seen: set[Path] = set()
    for raw in given:
        path = Path(raw)
        if raw in blocked:
            yield Target(path, raw, explicit=True, problem=blocked[raw])
        elif _is_dir(path):
            for found, problem in _walk(path, excluded):
                key = real.of(found)
                if key not in seen:
                    seen.add(key)
                    # pathlib drops a leading "./", so files print as "pkg/mod.py" like ruff's.
                    yield Target(found, found.as_posix(), explicit=False, problem=problem, real=key)
        else:
            key = real.of(path)
            if key not in seen:
                seen.add(key)
                yield Target(path, raw, explicit=True, real=key)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _walk(root: Path, excluded: Callable[[Path], bool] | None) -> Iterator[tuple[Path, str | None]]:
    """(file, None) for each file to check, (folder, why) for each folder that cannot be read."""
    try:
        with os.scandir(root) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield root, f"cannot read folder: {error.strerror or error}"
        return
    folders: list[Path] = []
    for entry in entries:
        path = root / entry.name
        try:
            # Symbolic links to folders are not followed (as os.walk's default): no cycles.
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if not is_folder and _entry_is_linked_dir(entry):
            continue
        if is_folder:
            if not is_skipped_dir(path) and not (excluded is not None and excluded(path)):
                folders.append(path)
            continue
        if not any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in CHECKED_FILES):
            continue
        if excluded is not None and excluded(path):
            continue
        yield path, None
    for folder in folders:
        yield from _walk(folder, excluded)


def _entry_is_linked_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
