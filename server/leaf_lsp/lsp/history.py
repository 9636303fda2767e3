"""The edits a document received since an analysis, to map positions between the two texts.

While the user types, the newest analysis is for an older text. Requests (hover, inlay
hints, code actions) are answered from it rather than waiting for typing to stop; each
position is carried through the edits made since, and a position inside text an edit
replaced has no counterpart (the request is then answered as if nothing were there).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from lsprotocol import types as lsp

from .text import LineIndex, char_to_units

#: Edits kept per document; past this an old analysis can no longer be mapped.
MAX_EDITS = 10_000


@dataclass(frozen=True)
class Edit:
    """``text[start:end]`` was replaced by ``length`` characters, giving revision ``revision``."""

    revision: int
    start: int
    end: int
    length: int


class EditHistory:
    """Edits of one document, oldest first, in character offsets of the text they applied to."""

    def __init__(self, limit: int = MAX_EDITS) -> None:
        self._edits: deque[Edit] = deque()
        self._limit = limit
        #: Revisions before this one may have lost edits: they cannot be mapped.
        self._floor = 0

    def __len__(self) -> int:
        return len(self._edits)

    def record(self, revision: int, start: int, end: int, length: int) -> None:
        """Remember one replacement (``revision`` is the text's revision after it)."""
        self._edits.append(Edit(revision, start, end, length))
        while len(self._edits) > self._limit:
            self._floor = self._edits.popleft().revision

    def forget_until(self, revision: int) -> None:
        """Drop edits no analysis older than ``revision`` needs any more."""
        while self._edits and self._edits[0].revision <= revision:
            self._edits.popleft()
        self._floor = max(self._floor, revision)

    def _between(self, old: int, new: int) -> list[Edit] | None:
        if old < self._floor:
            return None
        return [edit for edit in self._edits if old < edit.revision <= new]

    def forward(self, offset: int, old: int, new: int, end: bool = False) -> int | None:
        """Where ``offset`` in the text of revision ``old`` is in revision ``new``; None if it was replaced.

        ``end`` marks the exclusive end of a range: it may touch the start of an edit.
        """
        edits = self._between(old, new)
        if edits is None:
            return None
        for edit in edits:
            if offset < edit.start or (end and offset == edit.start):
                continue
            if offset >= edit.end and (offset > edit.start or edit.end == edit.start):
                offset += edit.length - (edit.end - edit.start)
                continue
            return None
        return offset

    def backward(self, offset: int, new: int, old: int) -> int | None:
        """Where ``offset`` in the text of revision ``new`` was in revision ``old``; None if it is new."""
        edits = self._between(old, new)
        if edits is None:
            return None
        for edit in reversed(edits):
            if offset < edit.start:
                continue
            if offset >= edit.start + edit.length:
                offset -= edit.length - (edit.end - edit.start)
                continue
            return None
        return offset


def position_of(index: LineIndex, offset: int, encoding: str) -> lsp.Position:
    """The LSP position of character ``offset`` in ``index``'s text."""
    offset = max(0, min(offset, len(index.text)))
    line = index.line_of_offset(offset)
    return lsp.Position(line, char_to_units(index.line(line), offset - index.starts[line], encoding))


class PositionMap:
    """Maps LSP positions between the text a request was made for and the (older) analysed one."""

    def __init__(
        self,
        history: EditHistory,
        old_revision: int,
        new_revision: int,
        old: LineIndex,
        new: LineIndex,
        encoding: str,
    ) -> None:
        self.history = history
        self.old_revision = old_revision
        self.new_revision = new_revision
        self.old = old
        self.new = new
        self.encoding = encoding

    def to_old(self, position: lsp.Position) -> lsp.Position | None:
        """A position in the request's text, in the analysed text (None if it is in new text)."""
        offset = self.new.offset(position.line, position.character, self.encoding)
        old = self.history.backward(offset, self.new_revision, self.old_revision)
        return None if old is None else position_of(self.old, old, self.encoding)

    def to_new(self, position: lsp.Position, end: bool = False) -> lsp.Position | None:
        """A position in the analysed text, in the request's text (None if that text is gone)."""
        offset = self.old.offset(position.line, position.character, self.encoding)
        new = self.history.forward(offset, self.old_revision, self.new_revision, end=end)
        return None if new is None else position_of(self.new, new, self.encoding)

    def range_to_new(self, rng: lsp.Range) -> lsp.Range | None:
        """A range in the analysed text, in the current text (None if any of it was edited)."""
        start = self.to_new(rng.start)
        end = self.to_new(rng.end, end=True)
        if start is None or end is None:
            return None
        if (end.line, end.character) < (start.line, start.character):
            return None
        return lsp.Range(start, end)

    def range_to_old(self, rng: lsp.Range) -> lsp.Range | None:
        """A range in the current text, in the analysed text (None if an end is in new text)."""
        start = self.to_old(rng.start)
        end = self.to_old(rng.end)
        if start is None or end is None:
            return None
        return lsp.Range(start, end)
