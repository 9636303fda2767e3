"""Answering hover, inlay hints and code actions from an analysis of an earlier text.

:meth:`~leaf_lsp.lsp.documents.Analyzer.wait_usable` hands out the last complete analysis
while edits are still arriving. A :class:`View` carries request positions back to that
text and results forward to the current one; whatever touches edited text is left out,
so an answer is never about characters that are no longer there. Hover text says that
it comes from an earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass

import attrs
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcContentModified

from .documents import Analyzer, Document, DocumentClosed, Snapshot
from .history import PositionMap
from .text import LineIndex

STALE_NOTE = "*(analysis of an earlier version; the file changed since)*"


@dataclass
class View:
    """A snapshot to answer from, and how its positions relate to the current text."""

    doc: Document
    snap: Snapshot
    #: The snapshot is not for the version (or context) the request was made for.
    stale: bool
    #: None when the snapshot's text is the request's text.
    positions: PositionMap | None
    #: The document version the request was made for (results are for that text).
    version: int

    def to_old(self, position: lsp.Position) -> lsp.Position | None:
        """A request position in the snapshot's text (None if it is in text typed since)."""
        return position if self.positions is None else self.positions.to_old(position)

    def range_to_old(self, rng: lsp.Range) -> lsp.Range | None:
        """A request range in the snapshot's text."""
        return rng if self.positions is None else self.positions.range_to_old(rng)

    def range_to_new(self, rng: lsp.Range) -> lsp.Range | None:
        """A result range in the current text (None if any of it was edited)."""
        return rng if self.positions is None else self.positions.range_to_new(rng)

    def note(self, markdown: str) -> str:
        """``markdown`` with the earlier-version note when the snapshot is stale."""
        return f"{markdown}\n\n{STALE_NOTE}" if self.stale else markdown

    def hints_to_new(
        self, hints: list[lsp.InlayHint], start: lsp.Position, end: lsp.Position
    ) -> list[lsp.InlayHint]:
        """Hints computed for the whole snapshot text, moved to the current text, inside [start, end]."""
        out: list[lsp.InlayHint] = []
        for hint in hints:
            position = hint.position
            if self.positions is not None:
                before = self.positions.to_new(position, end=True)
                after = self.positions.to_new(position)
                # Text typed right at the hint (the name being extended): leave it out.
                if before is None or before != after:
                    continue
                position = before
            if (
                not (start.line, start.character)
                <= (position.line, position.character)
                <= (end.line, end.character)
            ):
                continue
            tooltip = hint.tooltip
            if self.stale and isinstance(tooltip, lsp.MarkupContent):
                tooltip = lsp.MarkupContent(kind=tooltip.kind, value=self.note(tooltip.value))
            out.append(attrs.evolve(hint, position=position, tooltip=tooltip))
        return out

    def actions_to_new(self, actions: list[lsp.CodeAction], uri: str) -> list[lsp.CodeAction]:
        """Code actions with their edits and diagnostics moved to the current text and version.

        An action that touches edited text is left out.
        """
        if self.positions is None and not self.stale:
            return actions
        out: list[lsp.CodeAction] = []
        for action in actions:
            moved = self._action_to_new(action, uri)
            if moved is not None:
                out.append(moved)
        return out

    def _edits_to_new(self, edits: list[lsp.TextEdit]) -> list[lsp.TextEdit] | None:
        out: list[lsp.TextEdit] = []
        for edit in edits:
            rng = self.range_to_new(edit.range)
            if rng is None:
                return None
            out.append(attrs.evolve(edit, range=rng))
        return out

    def _action_to_new(self, action: lsp.CodeAction, uri: str) -> lsp.CodeAction | None:
        diagnostics = None
        if action.diagnostics is not None:
            diagnostics = []
            for diagnostic in action.diagnostics:
                rng = self.range_to_new(diagnostic.range)
                if rng is None:
                    return None
                diagnostics.append(attrs.evolve(diagnostic, range=rng))
        edit = action.edit
        if edit is not None:
            changes = None
            if edit.changes is not None:
                changes = {}
                for target, edits in edit.changes.items():
                    if target != uri:
                        return None  # only this document's edits can be moved
                    moved = self._edits_to_new(list(edits))
                    if moved is None:
                        return None
                    changes[target] = moved
            document_changes: (
                list[lsp.TextDocumentEdit | lsp.CreateFile | lsp.RenameFile | lsp.DeleteFile] | None
            ) = None
            if edit.document_changes is not None:
                document_changes = []
                for change in edit.document_changes:
                    if not isinstance(change, lsp.TextDocumentEdit) or change.text_document.uri != uri:
                        return None
                    text_edits = [e for e in change.edits if type(e) is lsp.TextEdit]
                    if len(text_edits) != len(change.edits):
                        return None
                    moved = self._edits_to_new(text_edits)
                    if moved is None:
                        return None
                    document_changes.append(
                        lsp.TextDocumentEdit(
                            text_document=lsp.OptionalVersionedTextDocumentIdentifier(
                                uri=uri, version=self.version
                            ),
                            edits=list(moved),
                        )
                    )
            edit = attrs.evolve(edit, changes=changes, document_changes=document_changes)
        return attrs.evolve(action, diagnostics=diagnostics, edit=edit)


async def view_of(analyzer: Analyzer, uri: str, encoding: str, facts: bool = False) -> View | None:
    """What to answer a request about ``uri`` from (None for unknown, closed or skipped documents).

    Positions in a request are in the text as it was when the request arrived; edits that
    arrive while it waits do not change that. An analysis of a text newer than the
    request's (the request waited through edits) has no answer for it: ContentModified.
    ``facts``: the answer needs hover facts, which a result read from the cache lacks.
    """
    doc = analyzer.get(uri)
    if doc is None:
        return None
    version, epoch, revision, text = doc.version, doc.epoch, doc.revision, doc.text
    try:
        snap = await analyzer.wait_usable(doc, facts)
    except DocumentClosed:
        return None
    if snap.skipped:
        return None
    if snap.revision > revision:
        raise JsonRpcContentModified("the document changed while the request waited")
    stale = snap.version != version or snap.epoch != epoch
    positions = None
    if snap.revision != revision:
        index = doc.index if doc.text is text else LineIndex(text)
        positions = PositionMap(doc.history, snap.revision, revision, snap.index, index, encoding)
    return View(doc=doc, snap=snap, stale=stale, positions=positions, version=version)
