"""Reporters: turn per-file analyses into text, JSON, SARIF or GitHub workflow commands.

The engine only accumulates diagnostics; these functions decide how they are printed.
All output positions are 1-based lines and 1-based *character* columns (the engine's
0-based character columns plus one). The JSON shape is a contract: see docs/cli.md.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from . import __version__
from .fixes import is_fixable
from .model import Analysis, Diagnostic, Fix, Hint

if TYPE_CHECKING:
    from .notebook_check import CellMap

FORMATS = ("text", "json", "sarif", "github")
JSON_VERSION = 1
RULES_DOC_URL = "https://github.com/leaf-lsp/leaf-lsp/blob/main/docs/rules.md"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

#: Codes the CLI itself emits; they are not rules in the registry.
BUILTIN_CODES: dict[str, tuple[str, str]] = {
    "LEAF000": ("syntax-error", "The file could not be parsed or read, so it was not analysed."),
}


@dataclass
class FileReport:
    """The outcome for one checked file: its analysis (after fixes, if any were applied)."""

    display: str
    analysis: Analysis
    fixed: int = 0
    #: For a notebook: how program lines map to cells (and to lines of the .ipynb file).
    cells: CellMap | None = None
    #: The hints as :func:`encode_hints` wrote them, when read back so from the result
    #: cache for a JSON report (``analysis.hints`` is then left empty, unread).
    hints_json: str | None = None

    def where(self, line: int) -> tuple[int | None, int]:
        """(1-based cell number or None, line) of program ``line``: the cell's own line in a notebook."""
        if self.cells is not None:
            found = self.cells.label(line)
            if found is not None:
                return found
        return None, line


@dataclass(frozen=True)
class ReportOptions:
    """How to render: which fixes count as fixable and what extra facts to show."""

    unsafe_fixes: bool = False
    show_hints: bool = False
    probe: bool = False
    statistics: bool = False
    fix_mode: bool = False


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter needs to know about a rule (a registry Rule reduced to plain data)."""

    code: str
    name: str
    severity: str
    summary: str


def rule_doc_url(code: str) -> str:
    """The documentation link for ``code`` (an anchor in docs/rules.md)."""
    return f"{RULES_DOC_URL}#{code.lower()}"


def describe_fact(is_leaf: bool | None, requires_grad: bool | None) -> str:
    """A hint's facts in words, e.g. ``leaf, requires grad``; unknown facts say so."""
    leaf = {True: "leaf", False: "non-leaf", None: "leaf unknown"}[is_leaf]
    grad = {True: "requires grad", False: "no grad", None: "requires_grad unknown"}[requires_grad]
    return f"{leaf}, {grad}"


# --- JSON -----------------------------------------------------------------------------


def fix_json(fix: Fix, shift: int = 0) -> dict[str, Any]:
    """A fix in the JSON contract's shape; ``shift`` lines are taken off (a notebook cell's)."""
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [
            {
                "line": edit.span.line - shift,
                "column": edit.span.col + 1,
                "end_line": edit.span.end_line - shift,
                "end_column": edit.span.end_col + 1,
                "new_text": edit.new_text,
            }
            for edit in fix.edits
        ],
    }


def diagnostic_json(diagnostic: Diagnostic, report: FileReport | None = None) -> dict[str, Any]:
    """A diagnostic in the JSON contract's shape (with ``cell``, lines in the cell, for a notebook)."""
    span = diagnostic.span
    cell, line = report.where(span.line) if report is not None else (None, span.line)
    shift = span.line - line
    out: dict[str, Any] = {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity,
        "message": diagnostic.message,
    }
    if cell is not None:
        out["cell"] = cell
    out.update(
        {
            "line": line,
            "column": span.col + 1,
            "end_line": span.end_line - shift,
            "end_column": span.end_col + 1,
            "fix": fix_json(diagnostic.fix, shift) if diagnostic.fix is not None else None,
        }
    )
    return out


def hint_json(hint: Hint, probe: bool = False, report: FileReport | None = None) -> dict[str, Any]:
    """A hint in the JSON contract's shape; ``verified`` only with ``--probe``."""
    cell, line = report.where(hint.line) if report is not None else (None, hint.line)
    out: dict[str, Any] = {"cell": cell} if cell is not None else {}
    out.update(
        {
            "line": line,
            "column": hint.span.col + 1,
            "name": hint.name,
            "is_leaf": hint.is_leaf,
            "requires_grad": hint.requires_grad,
            "reason": hint.reason_text,
        }
    )
    if probe:
        out["verified"] = hint.verified
        if hint.static is not None:
            # is_leaf/requires_grad above are the run's values; this is what static inference said.
            out["static"] = {"is_leaf": hint.static[0], "requires_grad": hint.static[1]}
        if hint.contexts:
            out["contexts"] = [
                {
                    "where": ctx.where,
                    "grad_mode": ctx.grad_mode,
                    "call_line": ctx.call_line,
                    "is_leaf": ctx.is_leaf,
                    "requires_grad": ctx.requires_grad,
                }
                for ctx in hint.contexts
            ]
    return out


def to_json_data(reports: Sequence[FileReport], options: ReportOptions) -> dict[str, Any]:
    """The whole run as the JSON contract's object."""
    files = [
        {
            "path": report.display,
            "diagnostics": [diagnostic_json(d, report) for d in report.analysis.diagnostics],
            "hints": [hint_json(h, options.probe, report) for h in report.analysis.hints],
        }
        for report in reports
    ]
    diagnostics = [d for report in reports for d in report.analysis.diagnostics]
    return {
        "version": JSON_VERSION,
        "files": files,
        "summary": {
            "files": len(reports),
            "diagnostics": len(diagnostics),
            "fixable": sum(1 for d in diagnostics if is_fixable(d, options.unsafe_fixes)),
        },
    }


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def encode_hints(hints: Sequence[Hint]) -> str:
    """The JSON report's hints of a ``.py`` file without the probe, one compact object per
    line (a raw newline never occurs inside encoded JSON)."""
    return "\n".join([_ENCODE(hint_json(hint)) for hint in hints])


def to_json(reports: Sequence[FileReport], options: ReportOptions) -> str:
    """The JSON report, indented, each diagnostic and hint on a line of its own, with a
    trailing newline (the same object as :func:`to_json_data`).

    Laid out here rather than by ``json.dumps(indent=...)``, whose indenting encoder is
    pure Python: with tens of thousands of hints it took longer than reading them.
    """
    data = to_json_data(reports, options)
    encode = _ENCODE
    out = ['{\n  "version": ', encode(data["version"]), ',\n  "files": [']
    for number, (file, report) in enumerate(zip(data["files"], reports, strict=True)):
        out.append(",\n    {" if number else "\n    {")
        out.append(f'\n      "path": {encode(file["path"])},')
        for key, end in (("diagnostics", ","), ("hints", "")):
            lines = "\n".join(map(encode, file[key]))
            if key == "hints" and report.hints_json is not None and not options.probe:
                lines = report.hints_json
            if not lines:
                out.append(f'\n      "{key}": []{end}')
                continue
            out.append(f'\n      "{key}": [\n        ')
            out.append(lines.replace("\n", ",\n        "))
            out.append(f"\n      ]{end}")
        out.append("\n    }")
    out.append("\n  ]," if data["files"] else "],")
    out.append(f'\n  "summary": {encode(data["summary"])}\n}}\n')
    return "".join(out)


# --- text -----------------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _place(report: FileReport, line: int) -> str:
    """``path:line`` or, in a notebook, ``path:cell N:line`` (as ruff names cells)."""
    cell, cell_line = report.where(line)
    return f"{report.display}:{cell_line}" if cell is None else f"{report.display}:cell {cell}:{cell_line}"


def _hint_line(report: FileReport, hint: Hint, probe: bool) -> str:
    text = f"{_place(report, hint.line)}:{hint.span.col + 1}: hint {hint.name}: {describe_fact(hint.is_leaf, hint.requires_grad)}"
    if hint.reason_text:
        text += f" ({hint.reason_text})"
    if probe:
        if hint.verified is True:
            text += " [verified]"
        elif hint.verified is False and hint.static is not None:
            # The values shown are the run's; say what static inference claimed.
            text += f" [run time disagrees: static inference said {describe_fact(*hint.static)}]"
        elif hint.verified is False:
            text += f" [run time disagrees: {hint.runtime or 'see probe'}]"
        elif hint.static is not None and hint.static != (hint.is_leaf, hint.requires_grad):
            text += " [from the run]"
    return text


def _diagnostic_line(report: FileReport, diagnostic: Diagnostic, unsafe: bool) -> str:
    span = diagnostic.span
    marker = " [*]" if is_fixable(diagnostic, unsafe) else ""
    message = diagnostic.message.replace("\r", " ").replace("\n", " ")
    return f"{_place(report, span.line)}:{span.col + 1}: {diagnostic.code}{marker} {message}"


def to_text(reports: Sequence[FileReport], options: ReportOptions) -> str:
    """ruff-style lines ``path:line:col: CODE [*] message`` and a summary line."""
    if options.statistics:
        return to_statistics(reports, options)
    lines: list[str] = []
    for report in reports:
        entries: list[tuple[int, int, int, str]] = []
        for d in report.analysis.diagnostics:
            entries.append((d.span.line, d.span.col, 0, _diagnostic_line(report, d, options.unsafe_fixes)))
        if options.show_hints:
            for h in report.analysis.hints:
                entries.append((h.line, h.span.col, 1, _hint_line(report, h, options.probe)))
        entries.sort(key=lambda e: e[:3])
        lines.extend(entry[3] for entry in entries)
    lines.extend(_summary(reports, options))
    return "\n".join(lines) + "\n"


#: How the summary names each severity (singular, plural), most severe first.
_SEVERITY_WORDS: tuple[tuple[str, str, str], ...] = (
    ("error", "error", "errors"),
    ("warning", "warning", "warnings"),
    ("information", "note", "notes"),
)


def _join(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> str:
    """``2 errors and 3 warnings``: each severity present, most severe first; none is omitted."""
    counts: Counter[str] = Counter(d.severity for d in diagnostics)
    parts = [_plural(counts.pop(key), one, many) for key, one, many in _SEVERITY_WORDS if counts.get(key)]
    parts.extend(_plural(n, f"{key} diagnostic") for key, n in sorted(counts.items()))
    return _join(parts)


def _summary(reports: Sequence[FileReport], options: ReportOptions) -> list[str]:
    diagnostics = [d for report in reports for d in report.analysis.diagnostics]
    fixed = sum(report.fixed for report in reports)
    remaining = len(diagnostics)
    out: list[str] = []
    if options.fix_mode and fixed:
        # The fixed ones are gone, so only what remains can be told by severity.
        left = f": {count_by_severity(diagnostics)}" if remaining else ""
        out.append(
            f"Found {_plural(fixed + remaining, 'diagnostic')} ({fixed} fixed, {remaining} remaining{left})."
        )
    elif remaining == 0:
        out.append("All checks passed!")
    else:
        fixable = sum(1 for d in diagnostics if is_fixable(d, options.unsafe_fixes))
        suffix = f" ({fixable} fixable with --fix)" if fixable else ""
        out.append(f"Found {count_by_severity(diagnostics)}{suffix}.")
    if not options.unsafe_fixes:
        hidden = sum(1 for d in diagnostics if d.fix is not None and not d.fix.safe)
        if hidden:
            out.append(
                f"({_plural(hidden, 'hidden fix', 'hidden fixes')} can be enabled with --unsafe-fixes.)"
            )
    return out


def to_statistics(reports: Sequence[FileReport], options: ReportOptions) -> str:
    """Counts per code, most frequent first: ``count<TAB>code<TAB>[*] name``."""
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    fixable: dict[str, bool] = {}
    for report in reports:
        for d in report.analysis.diagnostics:
            counts[d.code] += 1
            names[d.code] = d.name
            fixable[d.code] = fixable.get(d.code, False) or is_fixable(d, options.unsafe_fixes)
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = [
        f"{count:>{width}}\t{code}\t{'[*]' if fixable[code] else '   '} {names[code]}"
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    if not lines:
        lines.append("All checks passed!")
    return "\n".join(lines) + "\n"


# --- GitHub Actions -------------------------------------------------------------------

_GITHUB_LEVEL: dict[str, str] = {"error": "error", "warning": "warning", "information": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(reports: Sequence[FileReport], options: ReportOptions) -> str:
    """One GitHub Actions workflow command per diagnostic (``::error file=...::message``)."""
    lines: list[str] = []
    for report in reports:
        for d in report.analysis.diagnostics:
            region = _region(report, d)
            cell = report.where(d.span.line)[0]
            title = f"{d.code} {d.name}" + (f" (cell {cell})" if cell is not None else "")
            props = ",".join(
                [
                    f"file={_escape_property(report.display)}",
                    f"line={region['startLine']}",
                    f"col={region['startColumn']}",
                    f"endLine={region['endLine']}",
                    f"endColumn={region['endColumn']}",
                    f"title={_escape_property(title)}",
                ]
            )
            lines.append(f"::{_GITHUB_LEVEL.get(d.severity, 'error')} {props}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)


# --- SARIF ----------------------------------------------------------------------------

_SARIF_LEVEL: dict[str, str] = {"error": "error", "warning": "warning", "information": "note"}


def registry_rules() -> list[RuleInfo]:
    """Every registered rule as :class:`RuleInfo`; empty if the registry cannot be loaded."""
    try:
        from .rules.base import all_rules

        rules = all_rules()
    except Exception:  # noqa: BLE001 - a broken registry must not stop a report
        return []
    return [RuleInfo(r.code, r.name, r.severity, r.summary) for r in rules]


def _artifact_uri(display: str) -> str:
    path = PurePath(display)
    if path.is_absolute():
        try:
            return path.as_uri()
        except ValueError:
            pass
    # File names need not be valid UTF-8 (surrogate-escaped bytes on POSIX): quote the bytes.
    from urllib.parse import quote  # (here: only SARIF reports need it)

    return quote(os.fsencode(path.as_posix()))


def _region(report: FileReport, d: Diagnostic) -> dict[str, int]:
    """Where ``d`` lies in the file itself (in a notebook: in its JSON text), 1-based."""
    span = d.span
    if report.cells is None:
        return {
            "startLine": span.line,
            "startColumn": span.col + 1,
            "endLine": span.end_line,
            "endColumn": span.end_col + 1,
        }
    start = report.cells.file_position(span.line, span.col)
    end = report.cells.file_position(span.end_line, span.end_col)
    if end < start:
        end = start
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def _sarif_rule(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary or info.name},
        "helpUri": rule_doc_url(info.code),
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(info.severity, "warning")},
    }


def _sarif_fix(fix: Fix, uri: str) -> dict[str, Any]:
    return {
        "description": {"text": fix.title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {
                        "deletedRegion": {
                            "startLine": e.span.line,
                            "startColumn": e.span.col + 1,
                            "endLine": e.span.end_line,
                            "endColumn": e.span.end_col + 1,
                        },
                        "insertedContent": {"text": e.new_text},
                    }
                    for e in fix.edits
                ],
            }
        ],
    }


def to_sarif_data(
    reports: Sequence[FileReport], options: ReportOptions, rules: Iterable[RuleInfo] | None = None
) -> dict[str, Any]:
    """The run as a SARIF 2.1.0 log with the rule registry as ``tool.driver.rules``."""
    infos = list(registry_rules() if rules is None else rules)
    known = {info.code for info in infos}
    # Codes seen but not registered (LEAF000, or a registry that failed to load) still get a
    # rule entry, so every result's ruleIndex points somewhere valid.
    for report in reports:
        for d in report.analysis.diagnostics:
            if d.code not in known:
                known.add(d.code)
                summary = BUILTIN_CODES.get(d.code, (d.name, d.name))[1]
                infos.append(
                    RuleInfo(d.code, d.name, "error" if d.code == "LEAF000" else d.severity, summary)
                )
    infos.sort(key=lambda info: info.code)
    index = {info.code: i for i, info in enumerate(infos)}
    results: list[dict[str, Any]] = []
    for report in reports:
        uri = _artifact_uri(report.display)
        for d in report.analysis.diagnostics:
            result: dict[str, Any] = {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _SARIF_LEVEL.get(d.severity, "warning"),
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": _region(report, d),
                        }
                    }
                ],
            }
            cell = report.where(d.span.line)[0]
            if cell is not None:
                result["properties"] = {"cell": cell}
            elif d.fix is not None:
                # A notebook's fixes edit cell text, not the JSON of the file: not SARIF replacements.
                result["fixes"] = [_sarif_fix(d.fix, uri)]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leaf-lsp",
                        "version": __version__,
                        "informationUri": RULES_DOC_URL,
                        "rules": [_sarif_rule(info) for info in infos],
                    }
                },
                # The engine counts columns in characters, not SARIF's default UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def to_sarif(reports: Sequence[FileReport], options: ReportOptions) -> str:
    """The SARIF report, pretty-printed, with a trailing newline."""
    return json.dumps(to_sarif_data(reports, options), indent=2, ensure_ascii=False) + "\n"


def render(fmt: str, reports: Sequence[FileReport], options: ReportOptions) -> str:
    """Render ``reports`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return to_json(reports, options)
    if fmt == "sarif":
        return to_sarif(reports, options)
    if fmt == "github":
        return to_github(reports, options)
    return to_text(reports, options)
