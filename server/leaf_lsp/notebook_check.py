"""Checking and fixing a notebook file: what ``--check``, ``--fix`` and ``--diff`` do with ``.ipynb``.

The cells are analysed as one program (:mod:`leaf_lsp.notebook`); fixes are applied inside
each cell's own text, and the file is written back with only the edited cells' ``source``
values changed. A fix is kept only if the cell still parses (its magics neutralised).
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from .fixcheck import apply_edits, parses
from .fixes import _non_overlapping, is_fixable
from .model import Analysis, Diagnostic, Edit, Fix, Span
from .notebook import (
    Analyzer,
    CellSource,
    NotebookAnalysis,
    NotebookFile,
    Program,
    analyze_cells,
    neutralise,
    notebook_file,
    with_sources,
)
from .parse import split_lines
from .settings import Settings


@dataclass(frozen=True)
class CellMap:
    """How a report names positions of a notebook: by cell, and in the file for SARIF/GitHub."""

    program: Program
    file: NotebookFile

    def label(self, line: int) -> tuple[int, int] | None:
        """Program ``line`` -> (1-based cell number, 1-based line in the cell)."""
        found = self.program.locate(line)
        return None if found is None else (found[0].number, found[1])

    def file_position(self, line: int, col: int) -> tuple[int, int]:
        """Program (line, 0-based col) -> (1-based line, 1-based column) in the .ipynb file."""
        found = self.label(line)
        if found is None:
            return 1, 1
        return self.file.file_position(found[0], found[1], col)


def invalid_notebook(path: str, message: str) -> Analysis:
    """The single LEAF000 a notebook that cannot be read gets."""
    diagnostic = Diagnostic("LEAF000", "invalid-notebook", "error", message, Span(1, 0, 1, 0))
    return Analysis(path=path, diagnostics=[diagnostic], syntax_error=True)


def analyze_notebook(
    notebook: NotebookFile, path: str, settings: Settings | None, analyzer: Analyzer
) -> NotebookAnalysis:
    """The code cells of ``notebook`` analysed together."""
    return analyze_cells(notebook.code_cells(), path, settings, analyzer)


def fix_notebook(
    notebook: NotebookFile,
    path: str,
    settings: Settings | None,
    analyzer: Analyzer,
    unsafe: bool = False,
    max_rounds: int = 10,
) -> tuple[NotebookFile, int, NotebookAnalysis]:
    """Apply fixes until stable: (fixed notebook, fixes applied, analysis of the fixed notebook)."""
    current = notebook
    result = analyze_notebook(current, path, settings, analyzer)
    applied = 0
    for _ in range(max(0, max_rounds)):
        sources, count = _fix_round(result, unsafe)
        if not count:
            break
        text = with_sources(current, sources)
        fixed = notebook_file(text) if text is not None else None
        if not isinstance(fixed, NotebookFile):
            break
        current = fixed
        applied += count
        result = analyze_notebook(current, path, settings, analyzer)
    return current, applied, result


def _fix_round(result: NotebookAnalysis, unsafe: bool) -> tuple[dict[int, str], int]:
    by_cell: dict[int, list[Fix]] = {}
    for diagnostic in result.analysis.diagnostics:
        fix = diagnostic.fix
        if fix is None or not is_fixable(diagnostic, unsafe) or not fix.edits:
            continue
        found = result.program.locate(fix.edits[0].span.line)
        if found is None:
            continue
        offset = found[0].first - 1
        edits = tuple(Edit(_up(e.span, offset), e.new_text) for e in fix.edits)
        by_cell.setdefault(found[0].number, []).append(replace(fix, edits=edits))
    sources: dict[int, str] = {}
    count = 0
    for number, fixes in by_cell.items():
        cell = result.program.cell(number)
        if cell is None:
            continue
        new, done = _apply_in_cell(cell.text, fixes)
        if done:
            sources[number] = new
            count += done
    return sources, count


def fix_cell(
    cells: list[CellSource],
    number: int,
    path: str,
    settings: Settings | None,
    analyzer: Analyzer,
    unsafe: bool = False,
    max_rounds: int = 10,
) -> str:
    """Cell ``number``'s text with every fix for it applied, the notebook re-analysed each round."""
    current = list(cells)
    index = next((i for i, cell in enumerate(current) if cell.number == number), None)
    if index is None:
        return ""
    for _ in range(max(0, max_rounds)):
        result = analyze_cells(current, path, settings, analyzer)
        sources, count = _fix_round(result, unsafe)
        if number not in sources:
            break
        current[index] = CellSource(number, sources[number])
    return current[index].text


def _up(span: Span, lines: int) -> Span:
    return Span(span.line - lines, span.col, span.end_line - lines, span.end_col)


def _cell_parses(text: str) -> bool:
    return parses(neutralise(text)[0])


def _apply_in_cell(source: str, fixes: list[Fix]) -> tuple[str, int]:
    chosen = _non_overlapping(fixes)
    if not chosen:
        return source, 0
    combined = _try(source, [edit for fix in chosen for edit in fix.edits])
    if combined is not None and combined != source and _cell_parses(combined):
        return combined, len(chosen)
    for fix in chosen:
        result = _try(source, list(fix.edits))
        if result is not None and result != source and _cell_parses(result):
            return result, 1
    return source, 0


def _try(source: str, edits: list[Edit]) -> str | None:
    try:
        return apply_edits(source, edits)
    except ValueError:
        return None


def cell_diff(display: str, before: NotebookFile, after: NotebookFile) -> str:
    """A unified diff per changed cell, each headed ``a/<display>:cell N``."""
    old = {cell.number: cell.source for cell in before.cells}
    out: list[str] = []
    for cell in after.cells:
        previous = old.get(cell.number)
        if previous is None or previous == cell.source:
            continue
        for line in difflib.unified_diff(
            split_lines(previous),
            split_lines(cell.source),
            fromfile=f"a/{display}:cell {cell.number}",
            tofile=f"b/{display}:cell {cell.number}",
        ):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of cell\n")
    return "".join(out)


@contextmanager
def program_file(program: str) -> Iterator[str]:
    """A temporary ``.py`` file holding a notebook's program (for the probe), removed afterwards."""
    folder = tempfile.mkdtemp(prefix="leaf-lsp-notebook-")
    try:
        path = os.path.join(folder, "notebook.py")
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(program)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
