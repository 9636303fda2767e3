"""In-process checks of the adapter's pure parts: labels, settings parsing, the analyzer queue."""

from __future__ import annotations

import asyncio
import threading

from leaf_lsp.lsp import documents
from leaf_lsp.lsp.config import InlayHintSettings, parse_client_settings
from leaf_lsp.lsp.documents import Analyzer, Change, Document, Snapshot
from leaf_lsp.lsp.hover import noqa_code_at
from leaf_lsp.lsp.inlay import hint_label
from leaf_lsp.lsp.text import UTF16
from leaf_lsp.model import Analysis, Hint, Span
from leaf_lsp.settings import Settings

SPAN = Span(1, 0, 1, 1)


def test_hint_labels() -> None:
    normal = InlayHintSettings()
    assert hint_label(Hint("a", 1, SPAN, True, True), normal) == "leaf · grad"
    assert hint_label(Hint("b", 1, SPAN, False, True), normal) == "non-leaf · grad"
    assert hint_label(Hint("c", 1, SPAN, True, False), normal) == "no grad"
    assert hint_label(Hint("u", 1, SPAN, None, None), normal) is None
    assert hint_label(Hint("u", 1, SPAN, None, None), InlayHintSettings(show_unknown=True)) == "grad ?"
    assert hint_label(Hint("a", 1, SPAN, True, True, verified=True), normal) == "leaf · grad ✓"
    contradicted = Hint(
        "b", 1, SPAN, True, False, verified=False, runtime="run time on cpu: non-leaf, requires grad"
    )
    assert hint_label(contradicted, normal) == "no grad ✗"


def test_client_settings_validation() -> None:
    settings, problems = parse_client_settings({"leaf-lsp": {"probe": {"timeout": 5, "memoryMb": None}}})
    assert problems == [] and settings.probe.timeout == 5.0 and settings.probe.memory_mb is None
    settings, problems = parse_client_settings(["not", "an", "object"])
    # Trust fails closed: bad or missing settings never mean "trusted".
    assert problems and settings.trusted is False
    settings, problems = parse_client_settings({"trusted": "no", "inlayHints": {"verbosity": "loud"}})
    assert settings.trusted is False and settings.inlay_hints.verbosity == "normal" and len(problems) == 2


def test_noqa_code_under_cursor() -> None:
    line = "x += 1  # noqa: LEAF101, leaf201"
    assert noqa_code_at(line, line.index("LEAF101") + 3) == "LEAF101"
    assert noqa_code_at(line, line.index("leaf201")) == "LEAF201"
    assert noqa_code_at(line, 0) is None
    assert noqa_code_at("x = 1  # noqa", 10) is None


async def test_burst_of_changes_analyses_only_the_latest_version(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    analysed: list[str] = []
    gate = threading.Event()

    def slow_analyze(text: str, path: str, settings: Settings | None) -> Analysis:
        analysed.append(text)
        gate.wait(5)  # the first run blocks while the burst arrives
        return Analysis(path=path)

    monkeypatch.setattr(documents, "analyze", slow_analyze)
    results: list[Snapshot] = []
    analyzer = Analyzer(lambda doc: Settings(), lambda doc, snap: results.append(snap), debounce=0.02)
    doc = Document(uri="file:///t.py", path="/t.py", text="", version=0)
    analyzer.open(doc)
    await asyncio.sleep(0.05)  # version 0 is now running (blocked)
    for version in range(1, 200):
        doc.apply([Change(str(version))], version, UTF16)
        analyzer.schedule(doc)
        await asyncio.sleep(0)
    await asyncio.sleep(0.1)
    gate.set()
    snap = await asyncio.wait_for(analyzer.wait_current(doc), 5)
    # The running one finished (and was dropped), then only the final text was analysed,
    # once: one pass gives its diagnostics, hints and hover facts.
    assert analysed == ["", "199"]
    assert [s.version for s in results] == [199] and snap.version == 199
    # A closed document's late result is dropped too.
    gate.clear()
    doc.apply([Change("closing")], 200, UTF16)
    analyzer.schedule(doc, delay=0)
    await asyncio.sleep(0.05)
    analyzer.close(doc.uri)
    gate.set()
    await asyncio.sleep(0.1)
    assert [s.version for s in results] == [199]
    analyzer.shutdown()


async def test_edited_documents_reuse_their_parse_tree_and_opened_ones_keep_none(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    caches: list[object] = []

    def recording_analyze(text: str, path: str, settings: Settings) -> Analysis:
        caches.append(settings.parse_cache)
        return Analysis(path=path)

    monkeypatch.setattr(documents, "analyze", recording_analyze)
    analyzer = Analyzer(lambda doc: Settings(), lambda doc, snap: None, debounce=0.01)
    opened = [Document(uri=f"file:///o{i}.py", path=f"/o{i}.py", text="x = 1\n", version=1) for i in range(3)]
    for doc in opened:
        analyzer.open(doc)
    for doc in opened:
        await asyncio.wait_for(analyzer.wait_current(doc), 5)
    # Opening keeps no trees alive: many files opened at once would hold them all.
    assert caches and all(cache is None for cache in caches)
    caches.clear()
    edited = opened[0]
    for version in (2, 3):
        edited.apply([Change(f"x = {version}\n")], version, UTF16)
        analyzer.schedule(edited, delay=0)
        await asyncio.wait_for(analyzer.wait_current(edited), 5)
    # Both edits share one cache for the document.
    assert len(caches) == 2 and caches[0] is not None and all(cache is caches[0] for cache in caches)
    analyzer.close(edited.uri)
    reopened = Document(uri=edited.uri, path=edited.path, text="x = 3\n", version=1)
    analyzer.open(reopened)
    await asyncio.wait_for(analyzer.wait_current(reopened), 5)
    reopened.apply([Change("x = 4\n")], 2, UTF16)
    analyzer.schedule(reopened, delay=0)
    await asyncio.wait_for(analyzer.wait_current(reopened), 5)
    # Closing dropped the old tree: a reopened document starts a fresh cache.
    assert caches[-1] is not None and caches[-1] is not caches[0]
    analyzer.shutdown()


async def test_a_diagnostic_pull_does_not_wait_for_the_push_debounce() -> None:
    # A debounce no test would outlive: only a pull that skips it can be answered.
    analyzer = Analyzer(lambda doc: Settings(), lambda doc, snap: None, debounce=3600)
    doc = Document(uri="file:///p.py", path="/p.py", text="import torch\n", version=0)
    analyzer.open(doc)
    await asyncio.wait_for(analyzer.wait_current(doc), 60)
    doc.apply([Change("import torch\nx = torch.ones(2, requires_grad=True)\n")], 1, UTF16)
    analyzer.schedule(doc)
    assert doc.debouncing
    waiting = asyncio.ensure_future(analyzer.wait_current(doc))
    snap = await asyncio.wait_for(analyzer.wait_current(doc, hurry=True), 60)
    assert snap.version == 1 and [h.name for h in snap.analysis.hints] == ["x"]
    # Others waiting for the same version get it too.
    assert (await asyncio.wait_for(waiting, 60)) is snap
    analyzer.shutdown()


def _labels(text: str, settings: InlayHintSettings) -> list[tuple[int, str]]:
    from lsprotocol import types as lsp

    from leaf_lsp.engine import analyze
    from leaf_lsp.lsp.inlay import inlay_hints
    from leaf_lsp.lsp.text import LineIndex

    hints = inlay_hints(
        analyze(text, "h.py").hints, LineIndex(text), UTF16, settings, lsp.Position(0, 0), lsp.Position(99, 0)
    )
    return [(h.position.line, str(h.label)) for h in hints]


def test_consecutive_reassignments_are_labelled_where_the_value_changes() -> None:
    text = (
        "import torch\n"
        "w = torch.ones(3, requires_grad=True)\n"
        "h = w * 2\n"
        "h = torch.relu(h)\n"
        "h = h + 1\n"
        "h = h.detach()\n"
        "h = h * 3\n"
    )
    assert _labels(text, InlayHintSettings()) == [(1, "leaf · grad"), (2, "non-leaf · grad"), (5, "no grad")]
    every = _labels(text, InlayHintSettings(repeated=True))
    assert [line for line, _ in every] == [1, 2, 3, 4, 5, 6]


def test_verbose_labels_are_cut_cleanly_without_backticks() -> None:
    from leaf_lsp.lsp.inlay import short_reason

    assert short_reason("`Linear.weight` is a parameter (a leaf)") == "Linear.weight is a parameter (a leaf)"
    cut = short_reason(
        "computed from `encoder_hidden_states_projection` and `attention_mask_expanded` by matmul"
    )
    assert len(cut) <= 40 and cut.endswith("…") and "`" not in cut and not cut[:-1].endswith(" ")
    text = "import torch\nw = torch.ones(3, requires_grad=True)\n"
    ((_, label),) = _labels(text, InlayHintSettings(verbosity="verbose"))
    assert label.startswith("leaf · grad ← ") and "`" not in label


def test_parameter_reasons_name_the_line_that_built_the_module() -> None:
    from leaf_lsp.engine import analyze

    text = "import torch.nn as nn\n\nlayer = nn.Linear(3, 4)\nw = layer.weight\n"
    (hint,) = [h for h in analyze(text, "p.py").hints if h.name == "w"]
    assert hint.reason and all(step.line > 0 for step in hint.reason)
    assert any(step.line == 3 and "parameter" in step.text for step in hint.reason)


def test_hover_names_a_diagnostic_without_repeating_its_message() -> None:
    from leaf_lsp.lsp.hover import fact_hover
    from leaf_lsp.model import Diagnostic, ExprFact, ReasonStep

    fact = ExprFact(SPAN, "y.grad", False, True, (ReasonStep(0, "no line"), ReasonStep(2, "computed")))
    message = "`y.grad` reads the gradient of a non-leaf tensor"
    diagnostic = Diagnostic("LEAF201", "grad-of-non-leaf", "warning", message, SPAN)
    text = fact_hover(fact, [diagnostic]) or ""
    assert "**LEAF201** `grad-of-non-leaf`" in text and message not in text
    assert "line 0:" not in text and "- no line" in text and "- line 2: computed" in text
