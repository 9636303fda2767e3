"""The probe's accepted limits (timeout, memory cap, scope), shared by the CLI, the editor settings
and the probe runner, so that every way in rejects the same values with the same words.

Stdlib only and import-light: the language server validates settings without loading the probe.
"""

from __future__ import annotations

import math
from typing import Any

DEFAULT_TIMEOUT_S = 30.0
#: One hour: the probe checks autograd behaviour, it is not a way to run whole trainings.
MAX_TIMEOUT_S = 3600.0
DEFAULT_MEMORY_MB = 4096
#: Below this, importing torch alone fails; reporting that as the program's MemoryError misleads.
MIN_MEMORY_MB = 64
#: 1 TiB. Larger values overflow ``setrlimit`` (2**62 MB did, and was reported as the program's fault).
MAX_MEMORY_MB = 1024 * 1024
#: ``probe.scope``: which documents the editor's probe may run.
SCOPES = ("workspace", "any")
DEFAULT_SCOPE = "workspace"


def timeout_problem(value: Any) -> str | None:
    """Why ``value`` is not an acceptable probe timeout in seconds (None when it is)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number of seconds, not {value!r}"
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT_S:
        return f"must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds, not {value!r}"
    return None


def memory_problem(value: Any) -> str | None:
    """Why ``value`` is not an acceptable memory cap in MB (None when it is; a None value means the default)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of MB (or null for the default), not {value!r}"
    if not MIN_MEMORY_MB <= value <= MAX_MEMORY_MB:
        return f"must be between {MIN_MEMORY_MB} and {MAX_MEMORY_MB} MB, not {value!r}"
    return None
