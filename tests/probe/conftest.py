"""Shared fixtures for the probe tests: a warm worker, the corpus, and a /proc scanner."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

import pytest

from leaf_lsp.probe import ProbeWorker


@pytest.fixture(scope="session")
def worker() -> Iterator[ProbeWorker]:
    """One warm worker for the whole session (torch imported once)."""
    w = ProbeWorker(sys.executable)
    w.start()
    yield w
    w.close()


@pytest.fixture
def find_processes() -> Callable[[str], list[int]]:
    """A function listing live processes that mention a marker (to prove nothing was left behind)."""
    return _processes_with


def _processes_with(marker: str) -> list[int]:
    """Pids of live processes whose command line or environment mentions ``marker``."""
    found = []
    needle = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                if b") Z" in f.read():
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        environ = b""
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = f.read()
        except OSError:
            pass
        if needle in cmdline or needle in environ:
            found.append(int(entry))
    return found
