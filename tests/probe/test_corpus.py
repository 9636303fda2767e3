"""The probe records exactly what the corpus oracle records, for every corpus program."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from leaf_lsp.probe import ProbeResult, ProbeWorker, run_file
from leaf_lsp.probe.runner import run_cold

REPO = Path(__file__).resolve().parents[2]
# The seed corpus and its oracle, as checked into the repository.
CORPUS = REPO / "tests" / "corpus_public"
ORACLE = CORPUS / "oracle.py"
CASES = sorted(p for p in CORPUS.glob("*.py") if p.name != "oracle.py") if CORPUS.is_dir() else []
# The repository's extra corpus stores the oracle's record beside each case.
EXTRA = sorted(p for p in (REPO / "tests" / "corpus").glob("[0-9]*.py"))

needs_shared = pytest.mark.skipif(not CASES, reason="the shared corpus is not available")


def oracle(case: Path) -> dict[str, Any]:
    """What /work/shared/corpus/oracle.py records for ``case`` (run as a subprocess)."""
    done = subprocess.run(
        [sys.executable, str(ORACLE), str(case)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(case.parent),
    )
    assert done.stdout, done.stderr[-2000:]
    return json.loads(done.stdout)


def oracle_key(case: Path) -> str:
    """Cache key: the case, the oracle and the torch version (the oracle is deterministic given these)."""
    import torch

    digest = hashlib.sha256(case.read_bytes() + ORACLE.read_bytes() + torch.__version__.encode())
    return "leaf-probe/oracle/" + case.stem + "-" + digest.hexdigest()[:16]


def cached_oracle(cache: pytest.Cache, case: Path) -> dict[str, Any]:
    """The oracle's record for ``case``, from pytest's cache when the inputs have not changed."""
    key = oracle_key(case)
    found = cache.get(key, None)
    if isinstance(found, dict):
        return found
    data = oracle(case)
    cache.set(key, data)
    return data


@pytest.fixture(scope="session")
def oracle_runs(request: pytest.FixtureRequest) -> Iterator[dict[Path, Future[dict[str, Any]]]]:
    """The oracle for every case, started at once two at a time (it costs a torch import each).

    Results are kept in pytest's cache keyed by the hashes of the case, the oracle and the torch
    version, so only changed cases are re-run (``--cache-clear`` forces all).
    """
    cache = request.config.cache
    assert cache is not None
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {case: pool.submit(cached_oracle, cache, case) for case in CASES}


def as_oracle(result: ProbeResult) -> dict[str, Any]:
    """The probe result in the oracle's shape (facts, exception, warnings)."""
    facts = [
        dict(
            line=f.line,
            name=f.name,
            **({"varies": True} if f.varies else {"is_leaf": f.is_leaf, "requires_grad": f.requires_grad}),
        )
        for f in result.facts
    ]
    exc = result.exception
    return {
        "exception": None if exc is None else {"type": exc.type, "message": exc.message, "line": exc.line},
        "warnings": [{"category": w.category, "message": w.message, "line": w.line} for w in result.warnings],
        "facts": facts,
    }


def expected_diagnostics(case: Path) -> set[tuple[int, str]]:
    """(line, code) pairs the corpus says a correct tool reports for ``case``."""
    sidecar = case.with_name(case.stem + ".expect.json")
    data = json.loads(sidecar.read_text())
    return {(d["line"], d["code"]) for d in data.get("diagnostics", [])}


@needs_shared
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_probe_matches_oracle(
    case: Path, worker: ProbeWorker, oracle_runs: dict[Path, Future[dict[str, Any]]]
) -> None:
    """Facts, exception (type, message, line) and warnings (category, message, line) equal the oracle's."""
    result = worker.run(str(case), timeout=120)
    assert result.error is None, result.error
    want = oracle_runs[case].result(timeout=600)
    got = as_oracle(result)
    assert got["exception"] == want["exception"]
    assert got["warnings"] == want["warnings"]
    assert got["facts"] == want["facts"]
    # Every run-time diagnostic the probe maps is one the corpus expects at that line.
    for diag in result.diagnostics:
        assert (diag.span.line, diag.code) in expected_diagnostics(case), diag
        assert diag.source == "leaf-lsp (probe)"
    # A program that raised a catalogued error gets exactly one diagnostic for it.
    if want["exception"] is not None and want["exception"]["line"] is not None:
        assert any(d.span.line == want["exception"]["line"] for d in result.diagnostics)
    assert result.device == "cpu"
    assert result.torch_version.startswith("2.")


@needs_shared
@pytest.mark.parametrize(
    "name", ["011_augassign_bias_correction", "034_intermediate_grad_none", "060_seed_weightnorm_unused_g"]
)
def test_cold_run_matches_warm_run(name: str, worker: ProbeWorker) -> None:
    """A fresh process per run records the same as the warm worker's fork."""
    case = CORPUS / f"{name}.py"
    cold = run_cold(str(case), timeout=120)
    warm = worker.run(str(case), timeout=120)
    assert cold.error is None and warm.error is None
    assert as_oracle(cold) == as_oracle(warm)
    assert [(d.code, d.span) for d in cold.diagnostics] == [(d.code, d.span) for d in warm.diagnostics]


@needs_shared
def test_extra_details_are_recorded(worker: ProbeWorker) -> None:
    """grad_fn, dtype, device, shape and whether .grad was populated at the end."""
    result = worker.run(str(CORPUS / "034_intermediate_grad_none.py"))
    a, b = result.fact(3, "a"), result.fact(4, "b")
    assert a is not None and b is not None
    assert (a.is_leaf, a.requires_grad, a.grad_fn, a.grad_populated) == (True, True, None, True)
    assert (b.is_leaf, b.grad_fn, b.dtype, b.device, b.shape) == (
        False,
        "MulBackward0",
        "float32",
        "cpu",
        (2,),
    )
    assert 3 in result.lines_run and 8 in result.lines_run


@needs_shared
def test_run_file_uses_cold_process_without_worker() -> None:
    """run_file works with no shared worker started (a fresh process)."""
    result = run_file(str(CORPUS / "018_int_tensor_requires_grad.py"), timeout=120)
    assert result.error is None
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("LEAF104", 3)]


@pytest.mark.parametrize("case", EXTRA, ids=[c.stem for c in EXTRA])
def test_probe_matches_stored_oracle_record(case: Path, worker: ProbeWorker) -> None:
    """The repository's extra corpus: the probe agrees with the oracle record stored beside each case."""
    want = json.loads(case.with_name(case.stem + ".expect.json").read_text())["oracle"]
    result = worker.run(str(case), timeout=120)
    assert result.error is None, result.error
    got = as_oracle(result)
    assert got["exception"] == want["exception"]
    assert got["warnings"] == want["warnings"]
    assert got["facts"] == want["facts"]
