"""Garbage collection between analyses for callers that keep automatic collection off."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from leaf_lsp import engine


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


@pytest.fixture
def collection_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def test_long_running_caller_frees_old_cycles_now_and_then(collection_off: None) -> None:
    node = _Node()
    alive = weakref.ref(node)
    gc.collect()  # now in the oldest generation, as a long-lived object is
    del node
    for _ in range(engine._FULL_COLLECT_EVERY):
        engine.collect_if_due(long_running=True)
    assert alive() is None


def test_batch_caller_leaves_old_generations_alone(
    collection_off: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A check run is short: only what piled up since the last file is looked at.
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(engine.gc, "collect", lambda *generation: calls.append(generation) or 0)
    monkeypatch.setattr(engine, "_COLLECT_AFTER", -1)
    for _ in range(engine._FULL_COLLECT_EVERY * 2):
        engine.collect_if_due()
    assert calls and set(calls) == {(0,)}


def test_analyze_leaves_collection_as_it_found_it() -> None:
    was = gc.isenabled()
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            engine.analyze("import torch\nx = torch.ones(2, requires_grad=True)\n", "a.py")
            assert gc.isenabled() is state
    finally:
        (gc.enable if was else gc.disable)()


def test_server_analysis_first_frees_what_the_last_one_left(
    collection_off: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files opened together are analysed back to back, with no pause to collect in between.
    from leaf_lsp.lsp import documents
    from leaf_lsp.settings import Settings

    monkeypatch.setattr(engine, "_COLLECT_AFTER", 10)
    node = _Node()
    alive = weakref.ref(node)
    del node
    documents._analyze_indexed("x = 1\n", "a.py", Settings())
    assert alive() is None
