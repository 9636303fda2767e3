"""Engine model -> lsprotocol types (and back for positions).

Everything here is pure: it takes a :class:`~leaf_lsp.lsp.text.LineIndex` (the document
text the analysis was computed for) and the negotiated position encoding, so the same
span always maps to the same range.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types as lsp

from ..model import Diagnostic, Edit, Fix, Span
from .documents import Change
from .text import LineIndex

#: Where each rule's documentation lives; the anchor is the lower-cased code.
RULE_DOCS_URL = "https://github.com/leaf-lsp/leaf-lsp/blob/main/docs/rules.md#{anchor}"
PROBE_SOURCE = "leaf-lsp (probe)"

_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "information": lsp.DiagnosticSeverity.Information,
}
_TAGS = {"deprecated": lsp.DiagnosticTag.Deprecated, "unnecessary": lsp.DiagnosticTag.Unnecessary}


def rule_url(code: str) -> str:
    """The documentation link of rule ``code``."""
    return RULE_DOCS_URL.format(anchor=code.lower())


def to_range(index: LineIndex, span: Span, encoding: str) -> lsp.Range:
    """Engine span -> LSP range in the client's position encoding."""
    start = index.to_units(span.line, span.col, encoding)
    end = index.to_units(span.end_line, span.end_col, encoding)
    if end < start:
        end = start
    return lsp.Range(lsp.Position(*start), lsp.Position(*end))


def to_position(index: LineIndex, line: int, col: int, encoding: str) -> lsp.Position:
    """Engine (1-based line, character column) -> LSP position."""
    return lsp.Position(*index.to_units(line, col, encoding))


def from_position(index: LineIndex, position: lsp.Position, encoding: str) -> tuple[int, int]:
    """LSP position -> engine (1-based line, character column), clamped to the text."""
    return index.to_chars(position.line, position.character, encoding)


def from_range(index: LineIndex, rng: lsp.Range, encoding: str) -> Span:
    """LSP range -> engine span, clamped to the text."""
    line, col = from_position(index, rng.start, encoding)
    end_line, end_col = from_position(index, rng.end, encoding)
    return Span(line, col, end_line, end_col)


def fix_to_data(fix: Fix | None) -> dict[str, Any] | None:
    """A fix as plain JSON for ``Diagnostic.data`` (character spans, engine convention)."""
    if fix is None:
        return None
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [
            {
                "line": e.span.line,
                "col": e.span.col,
                "end_line": e.span.end_line,
                "end_col": e.span.end_col,
                "new_text": e.new_text,
            }
            for e in fix.edits
        ],
    }


def to_diagnostic(index: LineIndex, diagnostic: Diagnostic, encoding: str) -> lsp.Diagnostic:
    """One engine diagnostic as an LSP diagnostic (fix serialised in ``data``)."""
    code_description = None
    if diagnostic.code != "LEAF000":
        code_description = lsp.CodeDescription(href=rule_url(diagnostic.code))
    tags = [_TAGS[t] for t in diagnostic.tags if t in _TAGS] or None
    data: dict[str, Any] = {"name": diagnostic.name}
    fix = fix_to_data(diagnostic.fix)
    if fix is not None:
        data["fix"] = fix
    return lsp.Diagnostic(
        range=to_range(index, diagnostic.span, encoding),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, lsp.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        code_description=code_description,
        source=diagnostic.source,
        tags=tags,
        data=data,
    )


def to_text_edits(
    index: LineIndex, edits: tuple[Edit, ...] | list[Edit], encoding: str
) -> list[lsp.TextEdit]:
    """Engine edits -> LSP text edits."""
    return [lsp.TextEdit(range=to_range(index, e.span, encoding), new_text=e.new_text) for e in edits]


def full_replace(index: LineIndex, new_text: str, encoding: str) -> lsp.TextEdit:
    """One edit that replaces the whole document with ``new_text``."""
    end = index.end_position(encoding)
    return lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), lsp.Position(*end)), new_text=new_text)


def workspace_edit(
    uri: str, version: int | None, edits: list[lsp.TextEdit], document_changes: bool
) -> lsp.WorkspaceEdit:
    """Wrap edits for one document, versioned when the client supports documentChanges."""
    if document_changes:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                    edits=list(edits),
                )
            ]
        )
    return lsp.WorkspaceEdit(changes={uri: list(edits)})


def ranges_overlap(a: lsp.Range, b: lsp.Range) -> bool:
    """Whether two LSP ranges touch (cursor ranges are empty, so ends are inclusive)."""
    a_start = (a.start.line, a.start.character)
    a_end = (a.end.line, a.end.character)
    b_start = (b.start.line, b.start.character)
    b_end = (b.end.line, b.end.character)
    return a_start <= b_end and b_start <= a_end


def changes_of(
    events: Sequence[lsp.TextDocumentContentChangePartial | lsp.TextDocumentContentChangeWholeDocument],
) -> list[Change]:
    """LSP content changes (of a file or a notebook cell) as the document model's edits."""
    out: list[Change] = []
    for change in events:
        if isinstance(change, lsp.TextDocumentContentChangePartial):
            r = change.range
            out.append(Change(change.text, (r.start.line, r.start.character, r.end.line, r.end.character)))
        else:
            out.append(Change(change.text))
    return out
