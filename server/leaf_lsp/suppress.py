"""``# noqa`` comments: which codes a line suppresses, and the edit that adds one.

``# noqa`` alone suppresses every code on its line; ``# noqa: LEAF101, LEAF2`` suppresses
those codes (prefixes allowed). A diagnostic spanning several lines is suppressed by a
comment on its first line.
"""

from __future__ import annotations

import re

from .model import Edit, Span

NOQA_RE = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)
ALL = "*"


def noqa_codes(line_text: str) -> frozenset[str] | None:
    """The codes a line's ``# noqa`` comment names; ``{"*"}`` for a bare one; None if none."""
    if "#" not in line_text or "noqa" not in line_text.lower():
        return None
    match = NOQA_RE.search(line_text)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return frozenset({ALL})
    return frozenset(c.upper() for c in re.split(r"[\s,]+", codes) if c)


def is_suppressed(code: str, line_text: str) -> bool:
    """Whether ``code`` is suppressed by a ``# noqa`` on ``line_text``."""
    codes = noqa_codes(line_text)
    if codes is None:
        return False
    return ALL in codes or any(code.startswith(c) for c in codes)


def disable_edit(line: int, line_text: str, code: str) -> Edit | None:
    """The edit that adds ``code`` to the ``# noqa`` of ``line`` (None if already there)."""
    codes = noqa_codes(line_text)
    if codes is not None and (ALL in codes or code in codes):
        return None
    match = NOQA_RE.search(line_text) if codes is not None else None
    if match is not None:
        existing = sorted(codes or ())
        new = "# noqa: " + ", ".join(existing + [code])
        return Edit(Span(line, match.start(), line, match.end()), new)
    stripped = line_text.rstrip()
    return Edit(Span(line, len(stripped), line, len(line_text)), f"  # noqa: {code}")
