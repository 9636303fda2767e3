"""Configuration discovery: ``[tool.leaf-lsp]`` in the nearest ``pyproject.toml``.

For each checked file the nearest ``pyproject.toml`` *that has a* ``[tool.leaf-lsp]``
table, searching upward from the file's folder, supplies its settings (like ruff, a
pyproject without the table does not stop the search). ``--config PATH`` names one file
for every checked file instead. Command-line ``--select``/``--ignore`` override the file.

Bad configuration never stops a run: every problem becomes a warning and the defaults
(or the valid part of the table) are used.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .realpaths import RealPaths
from .settings import Settings


def _toml() -> Any:
    """The TOML reader (imported when a pyproject.toml is read: most runs read none), or None."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - exercised only on Python 3.10
        import tomli

        return tomli
    except ImportError:  # pragma: no cover
        return None


SECTION = "leaf-lsp"


@dataclass(frozen=True)
class Overrides:
    """Command-line settings that take precedence over the configuration file."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()

    def apply(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The configuration table with these overrides applied."""
        merged = dict(data)
        if self.select is not None:
            # `--select X` means exactly X, so the file's extend-select no longer applies.
            merged["select"] = list(self.select)
            merged.pop("extend-select", None)
        if self.ignore is not None:
            merged["ignore"] = list(self.ignore)
        if self.extend_select:
            existing = merged.get("extend-select", [])
            if isinstance(existing, str):
                existing = [existing]
            if not isinstance(existing, list):
                existing = []
            merged["extend-select"] = [*existing, *self.extend_select]
        return merged


@dataclass(frozen=True)
class FileConfig:
    """The settings for one file and where they came from."""

    settings: Settings
    #: Folder of the pyproject.toml that supplied the settings; None when defaults apply.
    root: Path | None
    source: Path | None
    #: ``cache-dir``, made absolute (relative to the pyproject.toml's folder); None: the default.
    cache_dir: Path | None = None

    def relative(self, path: Path, real: Path | None = None) -> str:
        """``path`` relative to the configuration's folder (posix), for glob patterns
        (``real``: its real path, when the caller has it)."""
        if self.root is None:
            return path.as_posix()
        try:
            return (real or _absolute(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def read_table(pyproject: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The ``[tool.leaf-lsp]`` table of ``pyproject`` (None when absent) and any problems."""
    reader = _toml()
    if reader is None:
        return None, [f"{pyproject}: cannot read TOML on this Python without `tomli`; using defaults"]
    try:
        with open(pyproject, "rb") as handle:
            document = reader.load(handle)
    except OSError as error:
        return None, [f"{pyproject}: cannot read: {error.strerror or error}"]
    except (ValueError, UnicodeDecodeError) as error:  # tomllib.TOMLDecodeError is a ValueError
        return None, [f"{pyproject}: invalid TOML ({error}); using defaults"]
    tool = document.get("tool")
    if not isinstance(tool, dict) or SECTION not in tool:
        return None, []
    table = tool[SECTION]
    if not isinstance(table, dict):
        return {}, [f"{pyproject}: [tool.{SECTION}] must be a table; using defaults"]
    return table, []


def has_section(pyproject: Path) -> bool:
    """Whether ``pyproject`` has a ``[tool.leaf-lsp]`` table, judged cheaply from its text."""
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return SECTION in text


@dataclass
class ConfigResolver:
    """Finds and caches the settings for each checked file; collects warnings once each."""

    overrides: Overrides = field(default_factory=Overrides)
    explicit: Path | None = None
    warnings: list[str] = field(default_factory=list)
    _by_source: dict[Path | None, FileConfig] = field(default_factory=dict)
    _by_dir: dict[Path, Path | None] = field(default_factory=dict)
    #: Real paths of the files asked about (thousands, in a few hundred folders).
    real: RealPaths = field(default_factory=RealPaths)

    def for_file(self, path: Path) -> FileConfig:
        """The configuration that applies to ``path``."""
        source = self.explicit if self.explicit is not None else self._nearest(self.real.of(path).parent)
        return self._load(source)

    def for_dir(self, folder: Path) -> FileConfig:
        """The configuration that applies to files directly inside ``folder``."""
        source = self.explicit if self.explicit is not None else self._nearest(_absolute(folder))
        return self._load(source)

    def _nearest(self, folder: Path) -> Path | None:
        visited: list[Path] = []
        found: Path | None = None
        current: Path | None = folder
        while current is not None:
            if current in self._by_dir:
                found = self._by_dir[current]
                break
            visited.append(current)
            candidate = current / "pyproject.toml"
            if _is_file(candidate) and has_section(candidate):
                table, _ = read_table(candidate)
                # A file that merely mentions the name, or fails to parse, still counts when
                # it says leaf-lsp: the user meant it, and its problems get reported.
                if table is not None or _mentions_table(candidate):
                    found = candidate
                    break
            parent = current.parent
            current = parent if parent != current else None
        for folder_seen in visited:
            self._by_dir[folder_seen] = found
        return found

    def _load(self, source: Path | None) -> FileConfig:
        cached = self._by_source.get(source)
        if cached is not None:
            return cached
        table: Mapping[str, Any] = {}
        if source is not None:
            read, problems = read_table(source)
            self.warnings.extend(problems)
            if read is None and not problems and source == self.explicit:
                self.warnings.append(f"{source}: no [tool.{SECTION}] table; using defaults")
            table = read or {}
        data = self.overrides.apply(table)
        settings, problems = Settings.from_mapping(data)
        where = str(source) if source is not None else "command line"
        self.warnings.extend(f"{where}: {problem}" for problem in problems)
        cache_dir = _cache_dir(table.get("cache-dir"), source, self.warnings)
        config = FileConfig(settings, source.parent if source is not None else None, source, cache_dir)
        self._by_source[source] = config
        return config


def _cache_dir(value: object, source: Path | None, warnings: list[str]) -> Path | None:
    """The ``cache-dir`` setting as an absolute folder; a bad value warns and means the default."""
    if value is None or source is None:
        return None
    if not isinstance(value, str) or not value.strip():
        warnings.append(f"{source}: `cache-dir` must be a folder name; using the default")
        return None
    folder = Path(value).expanduser()
    return folder if folder.is_absolute() else _absolute(source.parent) / folder


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a folder that cannot be searched has no configuration we can read
        return False


def _mentions_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return f"[tool.{SECTION}" in text or f'[tool."{SECTION}"' in text


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
