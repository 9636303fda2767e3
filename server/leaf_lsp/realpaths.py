"""Real paths (absolute, symbolic links resolved) for runs over thousands of files: each
folder is resolved once, then only the file's own name is looked at."""

from __future__ import annotations

import os
from pathlib import Path


class RealPaths:
    """``Path.resolve()`` answers for one run, remembered per folder (make one per run: a
    folder re-linked meanwhile is not seen)."""

    def __init__(self) -> None:
        self._folders: dict[str, Path] = {}
        #: Whole answers too: discovery, configuration and the cache ask about each file.
        self._paths: dict[str, Path] = {}

    def of(self, path: Path) -> Path:
        """``path.resolve()`` (``path.absolute()`` when that fails, as for a link loop)."""
        text = str(path)
        known = self._paths.get(text)
        if known is None:
            known = self._paths[text] = self._resolve(path, text)
        return known

    def _resolve(self, path: Path, text: str) -> Path:
        head, name = os.path.split(text)
        # ".." is resolved after the links before it, so it is left to the full resolution.
        if not name or name == ".." or ".." in _parts(head) or _is_link(text):
            return _resolved(path)
        folder = self._folders.get(head)
        if folder is None:
            folder = self._folders[head] = _resolved(Path(head or "."))
        return folder / name


def _parts(path: str) -> list[str]:
    if os.altsep:
        path = path.replace(os.altsep, os.sep)
    return path.split(os.sep)


def _is_link(path: str) -> bool:
    try:
        return os.path.islink(path)
    except (OSError, ValueError):
        return True


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
