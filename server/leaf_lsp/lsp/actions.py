"""Code actions: quick fixes, ``# noqa`` for one line, fix-all, and "Verify with torch"."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..fixes import fix_all
from ..model import Analysis, Diagnostic, Edit
from ..settings import Settings
from ..suppress import disable_statement_edit
from .convert import full_replace, ranges_overlap, to_diagnostic, to_range, to_text_edits, workspace_edit
from .text import LineIndex

FIX_ALL_KIND = "source.fixAll.leaf-lsp"
PROBE_KIND = "source.leaf-lsp.verify"
PROBE_COMMAND = "leaf-lsp.probe"
GRAPH_COMMAND = "leaf-lsp.graph"
PROBE_TITLE = "Verify with torch"


def _wanted(kind: str, only: list[str] | None) -> bool:
    """LSP kind filtering: ``only`` entries are hierarchical prefixes."""
    if not only:
        return True
    return any(kind == o or kind.startswith(o + ".") for o in only)


def fix_all_text(source: str, path: str, settings: Settings | None) -> str:
    """The text after applying every safe fix, re-analysed until nothing changes."""
    new_source, _, _ = fix_all(source, path, settings, unsafe=False)
    return new_source


def code_actions(
    uri: str,
    version: int | None,
    analysis: Analysis,
    index: LineIndex,
    encoding: str,
    rng: lsp.Range,
    only: list[str] | None,
    document_changes: bool,
) -> list[lsp.CodeAction]:
    """Quick fixes and disable-comments for diagnostics touching ``rng``, plus the probe action."""
    actions: list[lsp.CodeAction] = []
    disabled: set[tuple[int, str]] = set()
    offered: set[tuple[Edit, str]] = set()
    for diagnostic in analysis.diagnostics:
        if diagnostic.code == "LEAF000":
            continue
        lsp_diag = to_diagnostic(index, diagnostic, encoding)
        if not ranges_overlap(lsp_diag.range, rng):
            continue
        if diagnostic.fix is not None and _wanted(lsp.CodeActionKind.QuickFix, only):
            edits = to_text_edits(index, diagnostic.fix.edits, encoding)
            actions.append(
                lsp.CodeAction(
                    title=f"{diagnostic.fix.title} ({diagnostic.code})",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    is_preferred=diagnostic.fix.safe,
                    edit=workspace_edit(uri, version, edits, document_changes),
                )
            )
        key = (diagnostic.span.line, diagnostic.code)
        if key not in disabled and _wanted(lsp.CodeActionKind.QuickFix, only):
            disabled.add(key)
            # The comment goes on the statement's last line, where the engine also looks for it.
            edit = disable_statement_edit(
                index.text, diagnostic.span.line, diagnostic.code, lambda n: index.line(n - 1)
            )
            # Two diagnostics of one code in one statement get the same comment: offer it once.
            if edit is not None and (edit, diagnostic.code) not in offered:
                offered.add((edit, diagnostic.code))
                actions.append(
                    _disable_action(
                        uri, version, diagnostic, edit, index, encoding, lsp_diag, document_changes
                    )
                )
    if _wanted(PROBE_KIND, only):
        actions.append(probe_action(uri))
    return actions


def _disable_action(
    uri: str,
    version: int | None,
    diagnostic: Diagnostic,
    edit: Edit,
    index: LineIndex,
    encoding: str,
    lsp_diag: lsp.Diagnostic,
    document_changes: bool,
) -> lsp.CodeAction:
    text_edit = lsp.TextEdit(range=to_range(index, edit.span, encoding), new_text=edit.new_text)
    return lsp.CodeAction(
        title=f"Disable {diagnostic.code} for this line",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[lsp_diag],
        edit=workspace_edit(uri, version, [text_edit], document_changes),
    )


def fix_all_action(
    uri: str,
    version: int | None,
    source: str,
    new_source: str,
    index: LineIndex,
    encoding: str,
    document_changes: bool,
) -> lsp.CodeAction | None:
    """The fix-all action, or None when it would change nothing."""
    if new_source == source:
        return None
    return lsp.CodeAction(
        title="Fix all safe leaf-lsp problems",
        kind=FIX_ALL_KIND,
        edit=workspace_edit(uri, version, [full_replace(index, new_source, encoding)], document_changes),
    )


def probe_action(uri: str) -> lsp.CodeAction:
    """The "Verify with torch" action (runs the probe command)."""
    return lsp.CodeAction(
        title=PROBE_TITLE,
        kind=PROBE_KIND,
        command=lsp.Command(title=PROBE_TITLE, command=PROBE_COMMAND, arguments=[uri]),
    )
