"""The review of real-code diagnostics (``tests/realcode/review.toml``) is well formed.

``scripts/bench_realcode.py`` matches each diagnostic it finds in pinned PyTorch libraries
with an entry of this file; the figures are for people, so nothing here runs the tool or
needs the network: only the file's shape is checked.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

REVIEW = Path(__file__).resolve().parents[1] / "realcode" / "review.toml"
VERDICTS = {"real", "false-alarm", "harmless"}
FIELDS = {"package": str, "path": str, "line": int, "code": str, "text": str, "verdict": str, "why": str}
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_realcode.py"


@functools.cache
def _script() -> Any:
    """scripts/bench_realcode.py as a module (it downloads nothing when imported)."""
    spec = importlib.util.spec_from_file_location("bench_realcode", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_realcode"] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


PACKAGES = set(_script().BY_NAME)


def _entries() -> list[dict[str, Any]]:
    with REVIEW.open("rb") as handle:
        data = tomllib.load(handle)
    assert set(data) == {"review"}, "the file holds only [[review]] entries"
    entries: list[dict[str, Any]] = data["review"]
    return entries


def test_review_parses_and_has_entries() -> None:
    entries = _entries()
    assert entries and all(isinstance(e, dict) for e in entries)


def test_every_entry_has_the_fields_and_a_known_verdict() -> None:
    for number, entry in enumerate(_entries(), start=1):
        where = f"entry {number} ({entry.get('path')}:{entry.get('line')})"
        assert set(entry) == set(FIELDS), f"{where}: fields {sorted(entry)}"
        for name, kind in FIELDS.items():
            assert isinstance(entry[name], kind) and not isinstance(entry[name], bool), f"{where}: {name}"
        assert entry["verdict"] in VERDICTS, f"{where}: verdict {entry['verdict']!r}"
        assert entry["package"] in PACKAGES, f"{where}: package {entry['package']!r}"
        assert re.fullmatch(r"LEAF\d{3}", entry["code"]), f"{where}: code {entry['code']!r}"
        assert entry["line"] >= 1, where
        assert entry["path"].endswith(".py") and not entry["path"].startswith("/"), where
        assert ".." not in Path(entry["path"]).parts, where


def test_every_why_is_one_nonempty_line() -> None:
    for entry in _entries():
        why = entry["why"]
        assert why.strip(), f"{entry['path']}:{entry['line']}: empty why"
        assert "\n" not in why, f"{entry['path']}:{entry['line']}: why is one line"


def test_no_duplicate_keys() -> None:
    seen: dict[tuple[str, str, str, str, int], int] = {}
    for number, entry in enumerate(_entries(), start=1):
        key = (entry["package"], entry["path"], entry["code"], entry["text"], entry["line"])
        assert key not in seen, f"entry {number} repeats entry {seen[key]}: {key}"
        seen[key] = number
    lines: dict[tuple[str, str, str, int], int] = {}
    for number, entry in enumerate(_entries(), start=1):
        line_key = (entry["package"], entry["path"], entry["code"], entry["line"])
        assert line_key not in lines, (
            f"entry {number} reviews the same line as entry {lines[line_key]}: {line_key}"
        )
        lines[line_key] = number


def test_the_script_reads_every_entry() -> None:
    script = _script()
    reviews = script.load_review(REVIEW)
    assert len(reviews) == len(_entries())
    assert {r.verdict for r in reviews} <= set(script.VERDICTS) == VERDICTS


def _finding(script: Any, line: int, text: str, code: str = "LEAF203") -> Any:
    return script.Finding("pkg", "pkg/m.py", line, 1, code, "warning", "message", text)


def _review(script: Any, line: int, text: str, verdict: str, code: str = "LEAF203") -> Any:
    return script.Review("pkg", "pkg/m.py", line, code, text, verdict, "why")


def test_matching_follows_the_text_across_line_shifts() -> None:
    script = _script()
    a = _review(script, 10, "self.a = torch.zeros(3)", "real")
    b = _review(script, 20, "self.b = torch.ones(3)", "harmless")
    shifted = [_finding(script, 13, "self.b = torch.ones(3)"), _finding(script, 3, "self.a = torch.zeros(3)")]
    script.match(shifted, [a, b])
    assert [f.review for f in shifted] == [b, a]


def test_matching_pairs_twins_by_nearest_line_then_falls_back_to_the_line() -> None:
    script = _script()
    twins = [_review(script, 10, "x = t", "real"), _review(script, 50, "x = t", "harmless")]
    edited = _review(script, 70, "old text", "false-alarm")
    other_code = _review(script, 90, "y = t", "real", code="LEAF206")
    findings = [
        _finding(script, 52, "x = t"),
        _finding(script, 12, "x = t"),
        _finding(script, 70, "new text"),
        _finding(script, 90, "y = t"),
    ]
    script.match(findings, [*twins, edited, other_code])
    assert [f.review for f in findings] == [twins[1], twins[0], edited, None]
    assert not other_code.matched


def test_lost_real_finds_and_precision() -> None:
    script = _script()
    real = _review(script, 1, "a", "real")
    lost = _review(script, 2, "b", "real")
    alarm = _review(script, 3, "c", "false-alarm", code="LEAF206")
    old = _review(script, 4, "d", "real", code="LEAF301")
    run = script.PackageRun("pkg", files=1, lines=20_000)
    run.findings = [
        _finding(script, 1, "a"),
        _finding(script, 3, "c", code="LEAF206"),
        _finding(script, 4, "d", code="LEAF301"),
        _finding(script, 9, "unreviewed"),
    ]
    script.match(run.findings, [real, lost, alarm, old])
    data = script.figures([run], [real, lost, alarm, old])
    assert data["precision"] == 1 / 3  # LEAF301 is a deprecation: not counted
    assert data["false_alarms_per_10k_lines"] == 0.5
    assert [r["line"] for r in data["lost_real_finds"]] == [2]
    assert [u["line"] for u in data["unreviewed"]] == [9]
    assert data["per_code"]["LEAF203"] == {
        "reported": 2,
        "reviewed": 1,
        "real": 1,
        "unreviewed": 1,
        "gone-real": 1,
    }
