"""Jupyter notebooks as one program: code cells in order, magics neutralised, positions mapped.

A notebook runs its code cells top to bottom in one namespace, so the engine analyses them
as one text (:class:`Program`). Each code cell occupies a run of whole lines of that text
with the same columns, so a position maps both ways by a per-cell line offset. IPython
syntax (``%magic``, ``%%cell magic``, ``!shell``, ``obj?``) becomes ``pass`` on the same
line; a cell that still does not parse becomes blank lines in the program and gets its own
LEAF000, and the other cells are analysed. Pure: no I/O (``notebook_file`` reads JSON
text, ``with_sources`` writes it back, byte-identical outside the edited ``source`` values).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .model import Analysis, Diagnostic, Edit, ExprFact, Fix, ReasonStep, Span
from .parse import parse, split_lines
from .settings import Settings

NOTEBOOK_SUFFIX = ".ipynb"
#: Cell magics whose body is Python that runs (the rest, ``%%bash`` and friends, is not Python).
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3"})
_ASSIGN_MAGIC = re.compile(r"([A-Za-z_]\w*)\s*=\s*[%!]")
_CELL_MAGIC_NAME = re.compile(r"%%\s*([A-Za-z_]\w*)")

Analyzer = Callable[[str, str, "Settings | None"], Analysis]


def is_notebook_path(path: str) -> bool:
    """Whether ``path`` names a Jupyter notebook (by its suffix, as Jupyter does)."""
    return path.lower().endswith(NOTEBOOK_SUFFIX)


# --- cells -> program ---------------------------------------------------------------


@dataclass(frozen=True)
class CellSource:
    """One code cell's text; ``number`` is its 1-based index among all the notebook's cells."""

    number: int
    text: str


@dataclass(frozen=True)
class CellRange:
    """Where one code cell lies in the program."""

    number: int
    #: First program line of the cell (1-based) and how many lines it has.
    first: int
    count: int
    text: str
    #: Cell lines (1-based) whose IPython syntax was replaced by ``pass``.
    neutral: frozenset[int] = frozenset()

    @property
    def last(self) -> int:
        """The last program line of the cell (``first - 1`` for an empty cell)."""
        return self.first + self.count - 1


@dataclass(frozen=True)
class Program:
    """The code cells of a notebook as one text, with the position map both ways."""

    text: str
    cells: tuple[CellRange, ...]
    #: LEAF000 of each cell that does not parse, in cell coordinates.
    errors: tuple[tuple[int, Diagnostic], ...] = ()
    _firsts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def cell(self, number: int) -> CellRange | None:
        """The code cell with 1-based notebook index ``number``."""
        for cell in self.cells:
            if cell.number == number:
                return cell
        return None

    def locate(self, line: int) -> tuple[CellRange, int] | None:
        """Program ``line`` -> (cell, 1-based line in the cell); None outside every cell."""
        index = bisect.bisect_right(self._firsts, line) - 1
        if index < 0:
            return None
        cell = self.cells[index]
        if cell.count == 0 or line > cell.last:
            return None
        return cell, line - cell.first + 1

    def program_line(self, number: int, line: int) -> int | None:
        """Line ``line`` of cell ``number`` -> program line (None if no such cell)."""
        cell = self.cell(number)
        return None if cell is None else cell.first + line - 1


def build_program(cells: Sequence[CellSource], path: str = "<notebook>") -> Program:
    """The program of ``cells`` (code cells in order): magics neutralised, unparsable cells blank."""
    parts: list[str] = []
    ranges: list[CellRange] = []
    errors: list[tuple[int, Diagnostic]] = []
    line = 1
    for cell in cells:
        text, neutral, error = _cell_text(cell.text, path)
        if error is not None:
            errors.append((cell.number, error))
        count = len(split_lines(text))
        parts.append(text)
        ranges.append(CellRange(cell.number, line, count, cell.text, neutral))
        line += count
    return Program("".join(parts), tuple(ranges), tuple(errors), tuple(r.first for r in ranges))


@functools.lru_cache(maxsize=512)
def _cell_text(source: str, path: str) -> tuple[str, frozenset[int], Diagnostic | None]:
    """A cell's part of the program: (text, neutralised lines, its LEAF000 or None).

    Cached: while one cell is edited the others are the same text, and each is parsed
    alone (as Jupyter compiles each cell alone) to know whether it is valid.
    """
    text, neutral = neutralise(source)
    if text and not text.endswith(("\n", "\r")):
        text += "\n"
    if not text.strip():
        return text, neutral, None
    tree, error = parse(text, path)
    if tree is None and error is not None:
        diagnostic = Diagnostic("LEAF000", "syntax-error", "error", error.message, error.span)
        return "\n" * len(split_lines(text)), neutral, diagnostic
    return text, neutral, None


def neutralise(source: str) -> tuple[str, frozenset[int]]:
    """``source`` with IPython-only lines replaced by ``pass`` (same lines, same indentation).

    Python text is left alone: only a cell that does not parse as it is is scanned, and only
    lines that start a statement (outside brackets and strings) are changed. Returns the
    text and the 1-based lines changed.
    """
    if not any(mark in source for mark in ("%", "!", "?")):
        return source, frozenset()
    if parse(source)[0] is not None:
        return source, frozenset()
    lines = split_lines(source)
    starts = _statement_starts(lines)
    out = list(lines)
    changed: set[int] = set()
    first = lines[0].lstrip() if lines else ""
    magic = _CELL_MAGIC_NAME.match(first)
    if magic is not None and magic.group(1) not in PYTHON_CELL_MAGICS:
        # A %%bash, %%html, %%writefile... cell: none of it is Python that runs here.
        return "".join(_blank(raw) for raw in lines), frozenset(range(1, len(lines) + 1))
    continued = False
    indent_of_magic = ""
    for number, raw in enumerate(lines):
        body = raw.rstrip("\r\n")
        stripped = body.lstrip()
        indent = body[: len(body) - len(stripped)]
        replacement: str | None = None
        if continued:
            replacement = _pass(indent_of_magic, raw)
        elif number in starts and _is_magic(stripped):
            replacement = _pass(indent, raw)
            indent_of_magic = indent
        elif number in starts and (assign := _ASSIGN_MAGIC.match(stripped)) is not None:
            # `files = !ls`: keep the name bound, as IPython does.
            replacement = f"{indent}{assign.group(1)} = None" + raw[len(body) :]
            indent_of_magic = indent
        if replacement is not None:
            out[number] = replacement
            changed.add(number + 1)
            continued = body.endswith("\\")
        else:
            continued = False
    return "".join(out), frozenset(changed)


def _is_magic(stripped: str) -> bool:
    if stripped.startswith(("%", "!", "?")):
        return True
    # `obj?` / `obj??` help, not inside a comment.
    return stripped.endswith("?") and "#" not in stripped


def _pass(indent: str, raw: str) -> str:
    body = raw.rstrip("\r\n")
    return f"{indent}pass" + raw[len(body) :]


def _blank(raw: str) -> str:
    # The last line may have no break: it still is a line, or later cells would move up one.
    body = raw.rstrip("\r\n")
    return raw[len(body) :] or "\n"


def _statement_starts(lines: Sequence[str]) -> set[int]:
    """0-based indices of the lines that begin a statement (outside brackets, strings, ``\\``)."""
    starts: set[int] = set()
    depth = 0
    quote: str | None = None  # an open triple quote
    continued = False
    for number, raw in enumerate(lines):
        if depth == 0 and quote is None and not continued:
            starts.add(number)
        continued = False
        i = 0
        text = raw.rstrip("\r\n")
        while i < len(text):
            if quote is not None:
                if text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(quote, i):
                    i += 3
                    quote = None
                    continue
                i += 1
                continue
            ch = text[i]
            if ch == "#":
                break
            if text.startswith(('"""', "'''"), i):
                quote = text[i : i + 3]
                i += 3
                continue
            if ch in "\"'":
                end = i + 1
                while end < len(text) and text[end] != ch:
                    end += 2 if text[end] == "\\" else 1
                i = end + 1
                continue
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth = max(0, depth - 1)
            elif ch == "\\" and i == len(text) - 1:
                continued = True
            i += 1
    return starts


# --- analysis in cell coordinates -----------------------------------------------------


@dataclass
class NotebookAnalysis:
    """A notebook's analysis: ``analysis`` in program coordinates, and the map to cells."""

    program: Program
    analysis: Analysis

    def cell_analysis(self, number: int) -> Analysis:
        """What the engine found in cell ``number``, in that cell's own lines."""
        return cell_analysis(self.program, self.analysis, number)


def analyze_cells(
    cells: Sequence[CellSource], path: str, settings: Settings | None, analyzer: Analyzer
) -> NotebookAnalysis:
    """Analyse ``cells`` as one program; the result holds every cell's LEAF000 too."""
    program = build_program(cells, path)
    return NotebookAnalysis(program, localize(program, analyzer(program.text, path, settings)))


def localize(program: Program, analysis: Analysis) -> Analysis:
    """``analysis`` of ``program.text`` made fit for cells (program coordinates still).

    Adds each unparsable cell's LEAF000 and drops fixes that would cross a cell boundary
    or touch a neutralised line (their text is not what the user wrote).
    """
    diagnostics: list[Diagnostic] = []
    for number, error in program.errors:
        cell = program.cell(number)
        if cell is not None:
            diagnostics.append(replace(error, span=_shift(error.span, cell.first - 1)))
    for diagnostic in analysis.diagnostics:
        if diagnostic.fix is not None and not _fix_is_local(program, diagnostic.fix):
            diagnostic = replace(diagnostic, fix=None)
        diagnostics.append(diagnostic)
    diagnostics.sort(key=lambda d: (d.span.line, d.span.col, d.code))
    return replace(
        analysis, diagnostics=diagnostics, syntax_error=analysis.syntax_error or bool(program.errors)
    )


def _fix_is_local(program: Program, fix: Fix) -> bool:
    cells: set[int] = set()
    for edit in fix.edits:
        for line in (edit.span.line, edit.span.end_line):
            found = program.locate(line)
            if found is None or found[1] in found[0].neutral:
                return False
            cells.add(found[0].number)
    return len(cells) == 1


def cell_analysis(program: Program, analysis: Analysis, number: int) -> Analysis:
    """The part of ``analysis`` (program coordinates, localized) in cell ``number``, shifted."""
    cell = program.cell(number)
    if cell is None:
        return Analysis(path=analysis.path)
    offset = cell.first - 1
    first, last = cell.first, cell.last

    def inside(span: Span) -> bool:
        return first <= span.line <= last

    def shift(span: Span) -> Span:
        return _clamp(_shift(span, -offset), cell.count, cell)

    diagnostics = [
        replace(d, span=shift(d.span), fix=_shift_fix(d.fix, -offset) if d.fix is not None else None)
        for d in analysis.diagnostics
        if inside(d.span)
    ]
    hints = [
        replace(h, line=h.line - offset, span=shift(h.span), reason=_shift_reason(h.reason, program, cell))
        for h in analysis.hints
        if inside(h.span)
    ]
    facts = [
        ExprFact(shift(f.span), f.text, f.is_leaf, f.requires_grad, _shift_reason(f.reason, program, cell))
        for f in analysis.expr_facts
        if inside(f.span)
    ]
    return replace(
        analysis,
        diagnostics=diagnostics,
        hints=hints,
        expr_facts=facts,
        syntax_error=any(n == number for n, _ in program.errors),
    )


def _shift(span: Span, lines: int) -> Span:
    return Span(span.line + lines, span.col, span.end_line + lines, span.end_col)


def _clamp(span: Span, count: int, cell: CellRange) -> Span:
    """A span that ends past the cell ends at the end of the cell's last line."""
    if span.end_line <= count:
        return span
    lines = split_lines(cell.text)
    last = lines[count - 1].rstrip("\r\n") if 0 < count <= len(lines) else ""
    return Span(span.line, span.col, count, len(last))


def _shift_fix(fix: Fix, lines: int) -> Fix:
    return replace(fix, edits=tuple(Edit(_shift(e.span, lines), e.new_text) for e in fix.edits))


def _shift_reason(
    reason: tuple[ReasonStep, ...], program: Program, cell: CellRange
) -> tuple[ReasonStep, ...]:
    """Reason steps in the lines of their own cell; a step in another cell says which."""
    out = []
    for step in reason:
        found = program.locate(step.line)
        if found is None:
            out.append(step)
        elif found[0].number == cell.number:
            out.append(step._replace(line=found[1]))
        else:
            out.append(step._replace(line=found[1], text=f"{step.text} (cell {found[0].number})"))
    return tuple(out)


def cell_label(program: Program, line: int) -> tuple[int, int] | None:
    """Program ``line`` -> (1-based cell number, 1-based line in the cell)."""
    found = program.locate(line)
    return None if found is None else (found[0].number, found[1])


# --- the .ipynb file ------------------------------------------------------------------


@dataclass(frozen=True)
class NotebookCell:
    """One entry of a notebook's ``cells`` array as read from the file."""

    number: int
    kind: str
    source: str
    #: Offsets of the ``source`` value in the file text (start, end), or None if not found.
    span: tuple[int, int] | None
    #: Offsets of each element of a list-valued ``source`` (start, end), in order.
    elements: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class NotebookFile:
    """A notebook file: its text, its cells, and whether its language is Python."""

    text: str
    cells: tuple[NotebookCell, ...]
    python: bool = True

    def code_cells(self) -> list[CellSource]:
        """The code cells to analyse (none for a notebook of another language)."""
        if not self.python:
            return []
        return [CellSource(c.number, c.source) for c in self.cells if c.kind == "code"]

    def file_position(self, number: int, line: int, col: int) -> tuple[int, int]:
        """Cell ``number``'s (1-based line, 0-based column) -> (1-based line, 1-based column) in the file.

        Exact for the usual layout (one source line per JSON string, no escapes before the
        column); otherwise the start of the cell's source.
        """
        cell = next((c for c in self.cells if c.number == number), None)
        if cell is None or cell.span is None:
            return 1, 1
        offset = cell.span[0] + (1 + col if line == 1 else 0)
        seen = 1  # the cell line at which the current element starts
        for start, end in cell.elements:
            piece = json.loads(self.text[start:end])
            breaks = piece.count("\n")
            # "text\n" holds one line; the break only moves the next element to a new one.
            if line <= seen + breaks - (1 if piece.endswith("\n") else 0):
                offset = start + 1 + (col if line == seen else 0)
                break
            seen += breaks
        file_line = self.text.count("\n", 0, offset) + 1
        line_start = self.text.rfind("\n", 0, offset) + 1
        return file_line, offset - line_start + 1


def notebook_file(text: str) -> NotebookFile | str:
    """Read notebook JSON text; a ``str`` result says why it is not a notebook leaf-lsp can read."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        return f"not a valid notebook: the file is not valid JSON ({error})"
    if not isinstance(data, dict):
        return "not a valid notebook: the JSON is not an object"
    if "worksheets" in data and "cells" not in data:
        return "notebook format 3 is not supported (save it as nbformat 4)"
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        return "not a valid notebook: no `cells` array"
    spans = _source_spans(text)
    cells: list[NotebookCell] = []
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict):
            return f"not a valid notebook: cell {index + 1} is not an object"
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            return f"not a valid notebook: the source of cell {index + 1} is not text"
        kind = raw.get("cell_type")
        span, elements = spans.get(index, (None, ()))
        cells.append(NotebookCell(index + 1, kind if isinstance(kind, str) else "", source, span, elements))
    return NotebookFile(text, tuple(cells), _is_python(data.get("metadata")))


def _is_python(metadata: object) -> bool:
    if not isinstance(metadata, Mapping):
        return True
    info = metadata.get("language_info")
    name = info.get("name") if isinstance(info, Mapping) else None
    if name is None:
        kernel = metadata.get("kernelspec")
        name = kernel.get("language") if isinstance(kernel, Mapping) else None
    return not isinstance(name, str) or name.lower() in ("python", "python3", "ipython", "ipython3")


def with_sources(notebook: NotebookFile, sources: Mapping[int, str]) -> str | None:
    """The notebook text with the ``source`` of each cell in ``sources`` (by number) replaced.

    Everything else (formatting, key order, ids, metadata, outputs, attachments) keeps its
    bytes. A list-valued source stays a list laid out as before. None when a cell's source
    cannot be located in the text.
    """
    edits: list[tuple[int, int, str]] = []
    ascii_only = _escapes_non_ascii(notebook.text)
    for number, new in sources.items():
        cell = next((c for c in notebook.cells if c.number == number), None)
        if cell is None or cell.span is None:
            return None
        start, end = cell.span
        old = notebook.text[start:end]
        edits.append((start, end, _format_source(notebook.text, start, old, new, cell.elements, ascii_only)))
    out = notebook.text
    for start, end, value in sorted(edits, reverse=True):
        out = out[:start] + value + out[end:]
    return out


def _escapes_non_ascii(text: str) -> bool:
    # nbformat writes with ensure_ascii=False: only a file with \u escapes and no raw
    # non-ASCII characters was written the other way.
    return text.isascii() and "\\u" in text


def _format_source(
    text: str, start: int, old: str, new: str, elements: tuple[tuple[int, int], ...], ascii_only: bool
) -> str:
    def dump(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    if not old.startswith("["):
        return dump(new)
    pieces = [dump(line) for line in new.splitlines(keepends=True)]
    if not pieces:
        return "[]"
    if elements and "\n" not in old:
        return "[" + ", ".join(pieces) + "]"
    if elements:
        lead = text[start + 1 : elements[0][0]]
        close = text[elements[-1][1] : start + len(old) - 1]
        close = close[close.find("\n") :] if "\n" in close else "\n"
    elif "\n" in text.strip():
        # An empty list had no layout of its own: indent as the file indents its members.
        line_start = text.rfind("\n", 0, start) + 1
        key_indent = text[line_start : line_start + _indent_width(text, line_start)]
        first = text.find("\n") + 1
        unit = text[first : first + _indent_width(text, first)] or " "
        lead = "\n" + key_indent + unit
        close = "\n" + key_indent
    else:
        return "[" + ", ".join(pieces) + "]"
    return "[" + lead + ("," + lead).join(pieces) + close + "]"


def _indent_width(text: str, line_start: int) -> int:
    width = 0
    while line_start + width < len(text) and text[line_start + width] in " \t":
        width += 1
    return width


_WS = " \t\n\r"


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _source_spans(text: str) -> dict[int, tuple[tuple[int, int] | None, tuple[tuple[int, int], ...]]]:
    """For each cell index: the offsets of its ``source`` value and of that list's elements."""
    decoder = json.JSONDecoder()
    out: dict[int, tuple[tuple[int, int] | None, tuple[tuple[int, int], ...]]] = {}
    try:
        i = _skip_ws(text, 0)
        if text[i] != "{":
            return out
        for key, value_start, _value_end in _members(text, i, decoder):
            if key != "cells" or text[value_start] != "[":
                continue
            out = {}
            for index, (cell_start, _cell_end) in enumerate(_elements(text, value_start, decoder)):
                if text[cell_start] != "{":
                    continue
                for cell_key, start, end in _members(text, cell_start, decoder):
                    if cell_key == "source":
                        elements = tuple(_elements(text, start, decoder)) if text[start] == "[" else ()
                        out[index] = ((start, end), elements)
    except (ValueError, IndexError):
        return {}
    return out


def _members(text: str, i: int, decoder: json.JSONDecoder) -> list[tuple[str, int, int]]:
    """(key, value start, value end) of the object at ``i``."""
    members: list[tuple[str, int, int]] = []
    i = _skip_ws(text, i + 1)
    if text[i] == "}":
        return members
    while True:
        key, i = json.decoder.scanstring(text, _skip_ws(text, i) + 1)  # type: ignore[attr-defined]
        i = _skip_ws(text, i)
        if text[i] != ":":
            raise ValueError("expected ':'")
        start = _skip_ws(text, i + 1)
        _, end = decoder.raw_decode(text, start)
        members.append((key, start, end))
        i = _skip_ws(text, end)
        if text[i] == "}":
            return members
        if text[i] != ",":
            raise ValueError("expected ','")
        i += 1


def _elements(text: str, i: int, decoder: json.JSONDecoder) -> list[tuple[int, int]]:
    """(start, end) of each element of the array at ``i``."""
    elements: list[tuple[int, int]] = []
    i = _skip_ws(text, i + 1)
    if text[i] == "]":
        return elements
    while True:
        start = _skip_ws(text, i)
        _, end = decoder.raw_decode(text, start)
        elements.append((start, end))
        i = _skip_ws(text, end)
        if text[i] == "]":
            return elements
        if text[i] != ",":
            raise ValueError("expected ','")
        i += 1
