"""Client settings (initializationOptions / workspace configuration) and how they combine with pyproject.

Client shape::

    {"select": [...], "ignore": [...], "severity": {"LEAF201": "information"},
     "inlayHints": {"enabled": true, "verbosity": "normal", "showUnknown": false},
     "probe": {"interpreter": "", "timeout": 30, "device": "cpu", "memoryMb": 4096,
               "scope": "workspace"},
     "trusted": true, "maxFileSizeKb": 5120}

Parsing never raises: each bad value becomes a human-readable problem and its default.
Rule selection from the workspace's ``[tool.leaf-lsp]`` wins over the editor's, so the
editor and CI report the same diagnostics.

Trust fails closed: only an explicit JSON ``true`` for every ``trusted`` key the client sent
(top level and inside a nested ``leaf-lsp`` section) makes the workspace trusted; a missing
key, ``null``, ``"true"``, ``1``... mean untrusted (see docs/security.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..probe_limits import (
    DEFAULT_MEMORY_MB,
    DEFAULT_SCOPE,
    DEFAULT_TIMEOUT_S,
    SCOPES,
    memory_problem,
    timeout_problem,
)
from ..settings import Settings

VERBOSITIES = ("minimal", "normal", "verbose")
#: ``lint.run``: when diagnostics are computed (as in ruff's editor integration).
LINT_RUNS = ("onType", "onSave")
#: Documents larger than this are not analysed (one information diagnostic says so).
DEFAULT_MAX_FILE_SIZE_KB = 5 * 1024
_ENGINE_KEYS = ("select", "ignore", "extend-select", "per-file-ignores", "exclude", "severity")


@dataclass(frozen=True)
class InlayHintSettings:
    """How inlay hints are shown."""

    enabled: bool = True
    verbosity: str = "normal"
    show_unknown: bool = False
    #: Label every reassignment, also consecutive ones of the same name with the same label.
    repeated: bool = False


@dataclass(frozen=True)
class ProbeSettings:
    """How ``Verify with torch`` runs the file."""

    interpreter: str = ""
    timeout: float = DEFAULT_TIMEOUT_S
    device: str = "cpu"
    memory_mb: int | None = DEFAULT_MEMORY_MB
    #: "workspace": only files inside a workspace folder; "any": untitled buffers and outside files too.
    scope: str = DEFAULT_SCOPE


@dataclass(frozen=True)
class ClientSettings:
    """Everything the editor can configure."""

    engine: Mapping[str, Any] = field(default_factory=dict)
    inlay_hints: InlayHintSettings = InlayHintSettings()
    probe: ProbeSettings = ProbeSettings()
    trusted: bool = False
    max_file_size_kb: int = DEFAULT_MAX_FILE_SIZE_KB
    #: "onType": diagnostics follow the text; "onSave": those of the text last saved.
    lint_run: str = "onType"


def _get_bool(data: Mapping[str, Any], key: str, default: bool, where: str, problems: list[str]) -> bool:
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    problems.append(f"`{where}{key}` must be true or false; using {str(default).lower()}")
    return default


def stated_trust(data: Any) -> bool | None:
    """What ``data`` says about trust: None when it has no ``trusted`` key at all, True only when
    every ``trusted`` key (top level and in a nested ``leaf-lsp`` section) is exactly ``true``."""
    if not isinstance(data, Mapping):
        return None
    values = []
    if "trusted" in data:
        values.append(data["trusted"])
    nested = data.get("leaf-lsp")
    if isinstance(nested, Mapping) and "trusted" in nested:
        values.append(nested["trusted"])
    if not values:
        return None
    # `is True`: JSON true only; 1, "true" and the like must not count as consent to run code.
    return all(value is True for value in values)


def parse_client_settings(data: Any) -> tuple[ClientSettings, list[str]]:
    """Validate a client settings object; returns (settings, problems). Never raises."""
    problems: list[str] = []
    if data is None:
        return ClientSettings(), problems
    if not isinstance(data, Mapping):
        return ClientSettings(), ["leaf-lsp settings must be an object; using the defaults"]
    trusted = stated_trust(data) is True
    for where in (data, data.get("leaf-lsp")):
        if isinstance(where, Mapping) and "trusted" in where and not isinstance(where["trusted"], bool):
            problems.append(
                f"`trusted` must be true or false, not {where['trusted']!r}; treating the workspace as untrusted"
            )
    # Some clients nest everything under the section name.
    if isinstance(data.get("leaf-lsp"), Mapping):
        data = data["leaf-lsp"]

    engine = {k: data[k] for k in _ENGINE_KEYS if k in data}
    _, engine_problems = Settings.from_mapping(engine)
    problems.extend(engine_problems)

    hints = InlayHintSettings()
    raw_hints = data.get("inlayHints", {})
    if isinstance(raw_hints, Mapping):
        verbosity = raw_hints.get("verbosity", "normal")
        if verbosity not in VERBOSITIES:
            problems.append(f"`inlayHints.verbosity` must be one of {', '.join(VERBOSITIES)}; using normal")
            verbosity = "normal"
        hints = InlayHintSettings(
            enabled=_get_bool(raw_hints, "enabled", True, "inlayHints.", problems),
            verbosity=verbosity,
            show_unknown=_get_bool(raw_hints, "showUnknown", False, "inlayHints.", problems),
            repeated=_get_bool(raw_hints, "repeated", False, "inlayHints.", problems),
        )
    else:
        problems.append("`inlayHints` must be an object; using the defaults")

    lint_run = "onType"
    raw_lint = data.get("lint", {})
    if isinstance(raw_lint, Mapping) and raw_lint.get("run", "onType") in LINT_RUNS:
        lint_run = str(raw_lint.get("run", "onType"))
    else:
        problems.append(f"`lint.run` must be one of {', '.join(LINT_RUNS)}; using onType")

    probe = ProbeSettings()
    raw_probe = data.get("probe", {})
    if isinstance(raw_probe, Mapping):
        interpreter = raw_probe.get("interpreter", "")
        if not isinstance(interpreter, str):
            problems.append("`probe.interpreter` must be a path; using the server's Python")
            interpreter = ""
        timeout = raw_probe.get("timeout", DEFAULT_TIMEOUT_S)
        why = timeout_problem(timeout)
        if why is not None:
            problems.append(f"`probe.timeout` {why}; using {DEFAULT_TIMEOUT_S:g}")
            timeout = DEFAULT_TIMEOUT_S
        device = raw_probe.get("device", "cpu")
        if not isinstance(device, str) or not device:
            problems.append("`probe.device` must be a string such as 'cpu' or 'cuda'; using cpu")
            device = "cpu"
        memory = raw_probe.get("memoryMb", DEFAULT_MEMORY_MB)
        why = memory_problem(memory)
        if why is not None:
            problems.append(f"`probe.memoryMb` {why}; using {DEFAULT_MEMORY_MB}")
            memory = DEFAULT_MEMORY_MB
        scope = raw_probe.get("scope", DEFAULT_SCOPE)
        if scope not in SCOPES:
            problems.append(f"`probe.scope` must be one of {', '.join(SCOPES)}; using {DEFAULT_SCOPE}")
            scope = DEFAULT_SCOPE
        probe = ProbeSettings(
            interpreter=interpreter, timeout=float(timeout), device=device, memory_mb=memory, scope=scope
        )
    else:
        problems.append("`probe` must be an object; using the defaults")

    max_kb = data.get("maxFileSizeKb", DEFAULT_MAX_FILE_SIZE_KB)
    # Editors send JSON numbers: 5120.0 is as good as 5120.
    if isinstance(max_kb, bool) or not isinstance(max_kb, (int, float)) or not 1 <= max_kb < 2**40:
        problems.append(f"`maxFileSizeKb` must be a positive number of KiB; using {DEFAULT_MAX_FILE_SIZE_KB}")
        max_kb = DEFAULT_MAX_FILE_SIZE_KB
    settings = ClientSettings(
        engine=engine,
        inlay_hints=hints,
        probe=probe,
        trusted=trusted,
        max_file_size_kb=int(max_kb),
        lint_run=lint_run,
    )
    return settings, problems


def merge_engine_settings(
    client: Mapping[str, Any], project: Mapping[str, Any] | None
) -> tuple[Settings, list[str]]:
    """Engine settings: the editor's, with every key ``[tool.leaf-lsp]`` sets taking precedence."""
    merged: dict[str, Any] = dict(client)
    if project:
        merged.update(project)
    return Settings.from_mapping(merged)


def presented_token(data: Any) -> str | None:
    """The ``tcpToken`` a TCP client presented in initializationOptions (top level or nested)."""
    if not isinstance(data, Mapping):
        return None
    for where in (data, data.get("leaf-lsp")):
        if isinstance(where, Mapping) and isinstance(where.get("tcpToken"), str):
            return str(where["tcpToken"])
    return None
