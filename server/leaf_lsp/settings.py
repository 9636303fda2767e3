"""Engine settings: which rules run and how severe they are.

Settings are plain data, validated leniently: :func:`Settings.from_mapping` turns any
mapping (``[tool.leaf-lsp]``, LSP ``initializationOptions``) into settings plus a list of
human-readable problems, never raising on bad input.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .parse import ParseCache
    from .project import ProjectResolver

SEVERITIES = ("error", "warning", "information")


@dataclass(frozen=True)
class Settings:
    """Rule selection for one analysis. Codes match by prefix (``LEAF1`` selects LEAF1xx)."""

    select: tuple[str, ...] = ("LEAF",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    resolver: ProjectResolver | None = field(default=None, compare=False, hash=False)
    #: Compute hints and hover facts for every tensor. Diagnostics-only runs (``--check`` with
    #: text output) turn this off; the diagnostics are exactly those of a run with hints.
    hints: bool = True
    #: Polled during the analysis; when it returns True the analysis stops early and
    #: ``Analysis.cancelled`` is set (the language server drops such results).
    cancelled: Callable[[], bool] | None = field(default=None, compare=False, hash=False)
    #: Reuses the unchanged top-level statements of the previous text of the same document
    #: (the language server keeps one per open document).
    parse_cache: ParseCache | None = field(default=None, compare=False, hash=False)

    def enabled(self, code: str, path: str = "") -> bool:
        """Whether diagnostics with ``code`` are reported for ``path``."""
        if code == "LEAF000":
            return True
        if not any(code.startswith(prefix) for prefix in self.select):
            return False
        # As in ruff, the more specific selector wins, and ignore wins a tie.
        if _longest_prefix(code, self.ignore) >= _longest_prefix(code, self.select):
            return False
        normalized = path.replace("\\", "/")
        for pattern, codes in self.per_file_ignores:
            if _path_matches(normalized, pattern) and any(code.startswith(c) for c in codes):
                return False
        return True

    def severity_for(self, code: str, default: str) -> str:
        """The configured severity of ``code``, else ``default``."""
        for key, value in self.severity:
            if code.startswith(key):
                return value
        return default

    def is_excluded(self, path: str) -> bool:
        """Whether ``path`` matches one of the ``exclude`` patterns."""
        normalized = path.replace("\\", "/")
        return any(_path_matches(normalized, pattern) for pattern in self.exclude)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
        """Build settings from user configuration; returns (settings, problems)."""
        problems: list[str] = []

        def codes(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = data.get(key, default)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                problems.append(f"`{key}` must be a list of rule codes; using the default")
                return default
            out = tuple(v.strip().upper() for v in value if v.strip())
            for code in out:
                if not code.startswith("LEAF") and code != "ALL":
                    problems.append(f"`{key}`: unknown rule code or prefix {code!r}")
            return tuple("LEAF" if c == "ALL" else c for c in out if c.startswith("LEAF") or c == "ALL")

        select = codes("select", ("LEAF",))
        ignore = codes("ignore", ())
        extend = codes("extend-select", ()) if "extend-select" in data else ()
        select = select + extend

        pfi: list[tuple[str, tuple[str, ...]]] = []
        raw_pfi = data.get("per-file-ignores", data.get("per_file_ignores", {}))
        if isinstance(raw_pfi, Mapping):
            for pattern, value in raw_pfi.items():
                if isinstance(value, str):
                    value = [value]
                if isinstance(pattern, str) and isinstance(value, (list, tuple)):
                    pfi.append((pattern, tuple(str(v).upper() for v in value)))
                else:
                    problems.append(f"`per-file-ignores`: ignoring entry {pattern!r}")
        else:
            problems.append("`per-file-ignores` must be a table of pattern = [codes]")

        exclude_raw = data.get("exclude", [])
        exclude: tuple[str, ...] = ()
        if isinstance(exclude_raw, (list, tuple)) and all(isinstance(v, str) for v in exclude_raw):
            exclude = tuple(exclude_raw)
        else:
            problems.append("`exclude` must be a list of glob patterns")

        severity: list[tuple[str, str]] = []
        raw_sev = data.get("severity", {})
        if isinstance(raw_sev, Mapping):
            for code, value in raw_sev.items():
                if isinstance(value, str) and value.lower() in SEVERITIES and isinstance(code, str):
                    severity.append((code.upper(), value.lower()))
                else:
                    problems.append(
                        f"`severity`: ignoring {code!r} = {value!r} (use error, warning or information)"
                    )
        else:
            problems.append("`severity` must be a table of code = severity")
        # Longer (more specific) prefixes win.
        severity.sort(key=lambda item: -len(item[0]))
        return (
            cls(
                select=select,
                ignore=ignore,
                per_file_ignores=tuple(pfi),
                exclude=exclude,
                severity=tuple(severity),
            ),
            problems,
        )


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def _path_matches(path: str, pattern: str) -> bool:
    pattern = pattern.replace("\\", "/")
    if fnmatch.fnmatch(path, pattern):
        return True
    # A bare pattern matches any trailing part of the path, like ruff's globs.
    parts = path.split("/")
    return any(fnmatch.fnmatch("/".join(parts[i:]), pattern) for i in range(len(parts)))
