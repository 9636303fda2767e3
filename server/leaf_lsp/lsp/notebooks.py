"""Notebook documents (LSP 3.17 ``notebookDocument/*``): the cells analysed together, answered per cell.

Each open notebook is one analyzer :class:`~leaf_lsp.lsp.documents.Document` under the
notebook's URI whose text is the program of its code cells (:mod:`leaf_lsp.notebook`);
every edit of any cell rebuilds it, so an edit in cell 2 re-analyses cell 5. Requests
about a cell (diagnostics, inlay hints, hover, code actions) are answered from that
analysis cut down to the cell and shifted to the cell's own lines.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types as lsp

from ..model import Analysis
from ..notebook import CellSource, Program, build_program, cell_analysis, localize
from ..notebook_check import fix_cell
from ..settings import Settings
from .actions import FIX_ALL_KIND, PROBE_COMMAND, PROBE_TITLE, _wanted, code_actions, fix_all_action
from .convert import changes_of, from_position, to_diagnostic, to_range
from .documents import Change, Document, DocumentClosed, Snapshot, analyze_safe
from .hover import hover_at
from .inlay import inlay_hints
from .text import LineIndex

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger(__name__)

#: Programs kept per notebook, by text: the analysis in hand may be of a text a few edits old.
PROGRAMS_KEPT = 4
PYTHON_LANGUAGES = frozenset({"python", "python3", "ipython"})


@dataclass
class Cell:
    """One cell of an open notebook; ``doc`` holds its text (never analysed on its own)."""

    doc: Document
    code: bool


@dataclass
class Notebook:
    """One open notebook: its cells in order and the analyzer document of their program."""

    uri: str
    path: str
    cells: list[Cell]
    doc: Document | None = None
    programs: OrderedDict[str, Program] = field(default_factory=OrderedDict)

    def sources(self) -> list[CellSource]:
        """The code cells to analyse, numbered by their place among all cells (1-based)."""
        return [
            CellSource(number, cell.doc.text)
            for number, cell in enumerate(self.cells, start=1)
            if cell.code and cell.doc.language_id in PYTHON_LANGUAGES
        ]

    def number_of(self, uri: str) -> int | None:
        """The 1-based place of cell ``uri`` in the notebook."""
        for number, cell in enumerate(self.cells, start=1):
            if cell.doc.uri == uri:
                return number
        return None


class Notebooks:
    """The open notebooks of a session and the per-cell answers built from their analyses."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_uri: dict[str, Notebook] = {}
        #: Cell URI -> notebook URI.
        self.owner: dict[str, str] = {}
        #: The client has pulled the diagnostics of a cell. Until then they are pushed, even to
        #: a client that pulls: VS Code's language client pulls only for documents shown in
        #: their own tab, which a notebook's cells never are.
        self.cells_pulled = False

    # -- sync -------------------------------------------------------------------------

    def open(self, params: lsp.DidOpenNotebookDocumentParams) -> None:
        """notebookDocument/didOpen: track the cells and analyse them together."""
        from .session import uri_to_path

        item = params.notebook_document
        if item.uri in self.by_uri:
            self._drop(self.by_uri[item.uri])
        texts = {cell.uri: cell for cell in params.cell_text_documents}
        notebook = Notebook(item.uri, uri_to_path(item.uri), [])
        for cell in item.cells:
            text = texts.get(cell.document)
            notebook.cells.append(self._cell(cell, text))
        self.by_uri[item.uri] = notebook
        self._rebuild(notebook)

    def change(self, params: lsp.DidChangeNotebookDocumentParams) -> None:
        """notebookDocument/didChange: cells added, removed, re-ordered or edited."""
        notebook = self.by_uri.get(params.notebook_document.uri)
        change = params.change.cells
        if notebook is None or change is None:
            return
        if change.structure is not None:
            structure = change.structure
            opened = {item.uri: item for item in structure.did_open or []}
            start, count = structure.array.start, structure.array.delete_count
            new = [self._cell(cell, opened.get(cell.document)) for cell in structure.array.cells or []]
            for gone in notebook.cells[start : start + count]:
                self.owner.pop(gone.doc.uri, None)
            notebook.cells[start : start + count] = new
            for cell in new:
                self.owner[cell.doc.uri] = notebook.uri
        by_uri = {cell.doc.uri: cell for cell in notebook.cells}
        for data in change.data or []:
            kind_of = by_uri.get(data.document)
            if kind_of is not None:
                kind_of.code = data.kind == lsp.NotebookCellKind.Code
        for content in change.text_content or []:
            edited = by_uri.get(content.document.uri)
            if edited is None:
                continue
            edited.doc.apply(changes_of(content.changes), content.document.version, self.session.encoding)
        self._rebuild(notebook)

    def close(self, params: lsp.DidCloseNotebookDocumentParams) -> None:
        """notebookDocument/didClose: forget the notebook, clear its cells' diagnostics."""
        notebook = self.by_uri.pop(params.notebook_document.uri, None)
        if notebook is not None:
            self._drop(notebook)

    def _drop(self, notebook: Notebook) -> None:
        for cell in notebook.cells:
            self.owner.pop(cell.doc.uri, None)
            if self.session.push_diagnostics or not self.cells_pulled:
                self._clear(cell.doc.uri)
        if notebook.doc is not None:
            self.session.analyzer.close(notebook.uri)

    def _cell(self, cell: lsp.NotebookCell, item: lsp.TextDocumentItem | None) -> Cell:
        doc = Document(
            uri=cell.document,
            path=cell.document,
            text=item.text if item is not None else "",
            version=item.version if item is not None else 0,
            language_id=item.language_id if item is not None else "python",
        )
        return Cell(doc, cell.kind == lsp.NotebookCellKind.Code)

    def _rebuild(self, notebook: Notebook) -> None:
        for cell in notebook.cells:
            self.owner[cell.doc.uri] = notebook.uri
        program = build_program(notebook.sources(), notebook.path)
        notebook.programs[program.text] = program
        notebook.programs.move_to_end(program.text)
        while len(notebook.programs) > PROGRAMS_KEPT:
            notebook.programs.popitem(last=False)
        analyzer = self.session.analyzer
        if notebook.doc is None or notebook.doc.closed:
            notebook.doc = Document(uri=notebook.uri, path=notebook.path, text=program.text, version=1)
            analyzer.open(notebook.doc)
            return
        doc = notebook.doc
        doc.apply([Change(program.text)], doc.version + 1, self.session.encoding)
        analyzer.schedule(doc)

    # -- lookups ----------------------------------------------------------------------

    def is_cell(self, uri: str) -> bool:
        """Whether ``uri`` is a cell of an open notebook."""
        return bool(self.owner.get(uri))

    def notebook_of(self, uri: str) -> Notebook | None:
        """The open notebook ``uri`` names, or the one holding cell ``uri``."""
        return self.by_uri.get(uri) or self.by_uri.get(self.owner.get(uri, ""))

    def program_of(self, notebook: Notebook, snap: Snapshot) -> Program | None:
        """The program whose text ``snap`` analysed."""
        return notebook.programs.get(snap.index.text)

    async def cell_snapshot(self, uri: str) -> tuple[Document, Snapshot] | None:
        """Cell ``uri``'s text and the current analysis of its notebook cut down to it."""
        notebook = self.notebook_of(uri)
        if notebook is None or notebook.doc is None:
            return None
        try:
            snap = await self.session.analyzer.wait_current(notebook.doc)
        except DocumentClosed:
            return None
        number = notebook.number_of(uri)
        program = self.program_of(notebook, snap)
        if number is None or program is None:
            return None
        cell = notebook.cells[number - 1].doc
        analysis = cell_analysis(program, localize(program, snap.analysis), number)
        return cell, Snapshot(version=cell.version, index=LineIndex(cell.text), analysis=analysis)

    # -- output -----------------------------------------------------------------------

    def publish(self, doc: Document) -> bool:
        """Push the diagnostics of notebook ``doc`` to each of its cells; False if not a notebook."""
        notebook = self.by_uri.get(doc.uri)
        if notebook is None:
            return False
        snap = doc.effective
        session = self.session
        if snap is None or doc.closed or (self.cells_pulled and not session.push_diagnostics):
            return True
        program = self.program_of(notebook, snap)
        if program is None or snap.index.text != doc.text:
            return True
        localized = localize(program, snap.analysis)
        for number, cell in enumerate(notebook.cells, start=1):
            analysis = cell_analysis(program, localized, number) if cell.code else Analysis(path=doc.path)
            index = cell.doc.index
            session.server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(
                    uri=cell.doc.uri,
                    diagnostics=[to_diagnostic(index, d, session.encoding) for d in analysis.diagnostics],
                    version=cell.doc.version,
                )
            )
        return True

    def _clear(self, uri: str) -> None:
        self.session.server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    async def diagnostics(self, uri: str) -> list[lsp.Diagnostic]:
        """Pulled diagnostics of cell ``uri`` (from now on no cell's are pushed: see ``cells_pulled``)."""
        if not self.cells_pulled and not self.session.push_diagnostics:
            self.cells_pulled = True
            # What was pushed would show twice, next to what is pulled.
            for notebook in self.by_uri.values():
                for cell in notebook.cells:
                    self._clear(cell.doc.uri)
        found = await self.cell_snapshot(uri)
        if found is None:
            return []
        _, snap = found
        return [to_diagnostic(snap.index, d, self.session.encoding) for d in snap.analysis.diagnostics]

    async def inlay_hints(self, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        """Inlay hints of the cell in the requested range."""
        found = await self.cell_snapshot(params.text_document.uri)
        if found is None:
            return []
        _, snap = found
        session = self.session
        return inlay_hints(
            snap.analysis.hints,
            snap.index,
            session.encoding,
            session.client.inlay_hints,
            params.range.start,
            params.range.end,
        )

    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        """Hover on a cell: the rule of a ``noqa`` code, else the facts of the tensor under the cursor."""
        found = await self.cell_snapshot(params.text_document.uri)
        if found is None:
            return None
        _, snap = found
        encoding = self.session.encoding
        line, col = from_position(snap.index, params.position, encoding)
        told = hover_at(snap.analysis, snap.index.line(line - 1), line, col)
        if told is None:
            return None
        text, span = told
        rng = to_range(snap.index, span, encoding) if span is not None else None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text), range=rng)

    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        """Quick fixes and disable comments for a cell; the probe action runs the whole notebook."""
        uri = params.text_document.uri
        found = await self.cell_snapshot(uri)
        notebook = self.notebook_of(uri)
        if found is None or notebook is None:
            return []
        _, snap = found
        session = self.session
        only = list(params.context.only) if params.context.only else None
        actions = code_actions(
            uri,
            snap.version,
            snap.analysis,
            snap.index,
            session.encoding,
            params.range,
            only,
            session.document_changes,
        )
        for action in actions:
            if action.command is not None and action.command.command == PROBE_COMMAND:
                action.command.arguments = [notebook.uri]
        has_safe_fix = any(d.fix is not None and d.fix.safe for d in snap.analysis.diagnostics)
        if has_safe_fix and only and _wanted(FIX_ALL_KIND, only) and notebook.doc is not None:
            number = notebook.number_of(uri)
            settings = session.settings_for(notebook.doc)

            def run(text: str, path: str, _settings: Settings | None) -> Analysis:
                return analyze_safe(text, path, settings)

            def fixed_cell() -> str:
                assert number is not None  # cell_snapshot found the cell
                return fix_cell(notebook.sources(), number, notebook.path, settings, run)

            new_text = await asyncio.get_running_loop().run_in_executor(session.analyzer.executor, fixed_cell)
            fix_all = fix_all_action(
                uri,
                snap.version,
                snap.index.text,
                new_text,
                snap.index,
                session.encoding,
                session.document_changes,
            )
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    def code_lens(self, uri: str) -> list[lsp.CodeLens]:
        """ "Verify with torch" on the first code cell of the notebook, running all of its cells."""
        notebook = self.notebook_of(uri)
        if notebook is None:
            return []
        first = next((cell for cell in notebook.cells if cell.code), None)
        if first is None or first.doc.uri != uri:
            return []
        top = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
        return [
            lsp.CodeLens(
                range=top,
                command=lsp.Command(title=PROBE_TITLE, command=PROBE_COMMAND, arguments=[notebook.uri]),
            )
        ]

    def probe_summary(self, uri: str, summary: dict[str, Any]) -> dict[str, Any]:
        """The probe command's summary with the exception's line given in its cell (``cell``, ``line``)."""
        notebook = self.by_uri.get(uri)
        exception = summary.get("exception")
        if notebook is None or notebook.doc is None or not isinstance(exception, dict):
            return summary
        program = notebook.programs.get(notebook.doc.text)
        line = exception.get("line")
        found = program.locate(line) if program is not None and isinstance(line, int) else None
        if found is None:
            return summary
        return {**summary, "exception": {**exception, "cell": found[0].number, "line": found[1]}}
