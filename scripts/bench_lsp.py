"""Benchmark the language server on real PyTorch modeling code; prints figures, asserts nothing.

Files: ``transformers/models/t5/modeling_t5.py`` (~1,500 lines, typical) and
``qwen3_omni_moe/modeling_qwen3_omni_moe.py`` (~4,300 lines, big) from the transformers
wheel (``pip download --no-deps transformers`` into the cache, once), plus the other
modeling files for the 100-file memory figure.

Measured over stdio with a pytest-lsp client replaying VS Code's capabilities:

- cold start: spawn -> initialize done, and didOpen -> first publishDiagnostics, without a
  result cache; then the same in a new server with the result cache the first one kept (the
  file as it is on disk);
- didChange -> publishDiagnostics for that version, minus the 150 ms debounce (p50/p95 of 50
  edits), for edits at the end of the file, inside statements spread over it, and line
  breaks that move every later line;
- inlay-hint request latency on 60-line windows of a settled file (p50/p95 of 50 requests);
- server RSS after opening 100 files and receiving their diagnostics.

Usage: ``python scripts/bench_lsp.py [--cache .cache/bench] [--edits 50] [--files 100]``
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import compileall
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from leaf_lsp.lsp.documents import DEBOUNCE_S

TYPICAL = "transformers/models/t5/modeling_t5.py"
BIG = "transformers/models/qwen3_omni_moe/modeling_qwen3_omni_moe.py"


def fetch(cache: Path) -> list[Path]:
    """The transformers modeling files, downloading the wheel once."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    if not list(wheels.glob("transformers-*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(wheels), "transformers"],
            check=True,
        )
    out = cache / "src"
    files: list[Path] = []
    wheel = sorted(wheels.glob("transformers-*.whl"))[-1]
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("transformers/models/") and "/modeling_" in name and name.endswith(".py"):
                target = out / name
                if not target.exists():
                    archive.extract(name, out)
                files.append(target)
    return sorted(files)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, in milliseconds."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index] * 1000


class Bench:
    """One server process and its client, with every publishDiagnostics timestamped."""

    def __init__(self) -> None:
        self.client: LanguageClient = make_test_lsp_client()
        self.published: list[tuple[float, lsp.PublishDiagnosticsParams]] = []

        def on_publish(params: lsp.PublishDiagnosticsParams) -> None:
            self.published.append((time.perf_counter(), params))

        self.client.protocol.fm.features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish

    async def start(self, root: Path) -> float:
        began = time.perf_counter()
        await self.client.start_io(sys.executable, "-m", "leaf_lsp.lsp")
        await self.client.initialize_session(
            lsp.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()
            )
        )
        return time.perf_counter() - began

    async def stop(self) -> None:
        await self.client.shutdown_session()
        await self.client.stop()

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        # Versions restart at 1: forget what was published for an earlier opening.
        self.published = [(stamp, p) for stamp, p in self.published if p.uri != uri]
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
            )
        )
        return uri

    async def wait_publish(self, uri: str, version: int, timeout: float = 300) -> float:
        """Time at which diagnostics for (uri, version) arrived."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for stamp, params in self.published:
                if params.uri == uri and params.version == version:
                    return stamp
            await asyncio.sleep(0.001)
        raise TimeoutError(f"no diagnostics for {uri} v{version}")

    def rss_mb(self) -> float:
        server: Any = self.client._server
        status = Path(f"/proc/{server.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def statement_ends(text: str, count: int) -> list[tuple[int, int]]:
    """(0-based line, column) just after ``count`` one-line assignments spread over the file."""
    ends = [
        (node.lineno - 1, node.end_col_offset or 0)
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Assign) and node.lineno == node.end_lineno and node.col_offset > 0
    ]
    lines = text.splitlines()
    # Only lines that end with the statement (no comment or backslash after it) and are ASCII.
    ends = sorted((ln, col) for ln, col in ends if lines[ln].isascii() and len(lines[ln]) == col)
    step = max(1, len(ends) // count)
    return ends[::step][:count]


async def edit_latency(bench: Bench, path: Path, edits: int, where: str) -> list[float]:
    """didChange -> publish latencies (debounce subtracted) for single edits.

    ``where``: ``end`` types one character at a time into a comment at the end of the file;
    ``spread`` types a comment character after assignments spread over the whole file
    (inside functions and classes); ``newline`` inserts a line break at those places, so
    every line below moves.
    """
    text = path.read_text(encoding="utf-8")
    uri = bench.open(path, text)
    await bench.wait_publish(uri, 1)
    last_line = text.count("\n")
    places = statement_ends(text, edits)
    latencies: list[float] = []
    shift = 0
    for i in range(edits):
        version = i + 2
        if where == "end":
            position, new_text = lsp.Position(last_line, i), ("#" if i == 0 else "x")
        elif where == "spread":
            line, col = places[i % len(places)]
            position, new_text = lsp.Position(line, col), "  #"
        else:
            line, col = places[i % len(places)]
            position, new_text = lsp.Position(line + shift, col), "\n"
            shift += 1
        sent = time.perf_counter()
        bench.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    lsp.TextDocumentContentChangePartial(range=lsp.Range(position, position), text=new_text)
                ],
            )
        )
        arrived = await bench.wait_publish(uri, version)
        latencies.append(arrived - sent - DEBOUNCE_S)
    bench.client.text_document_did_close(
        lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
    )
    await asyncio.sleep(0.3)
    return latencies


async def hint_latency(bench: Bench, path: Path, requests: int) -> tuple[list[float], int]:
    """Inlay-hint request latencies on 60-line windows spread over the (settled) file."""
    uri = path.as_uri()
    lines = path.read_text(encoding="utf-8").count("\n") + 1
    latencies: list[float] = []
    count = 0
    for i in range(requests):
        start = (i * 997) % max(1, lines - 60)
        sent = time.perf_counter()
        hints = await bench.client.text_document_inlay_hint_async(
            lsp.InlayHintParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=lsp.Range(lsp.Position(start, 0), lsp.Position(start + 60, 0)),
            )
        )
        latencies.append(time.perf_counter() - sent)
        count += len(hints or [])
    return latencies, count


async def main_async(args: argparse.Namespace) -> None:
    cache = Path(args.cache).resolve()
    files = fetch(cache)
    src = cache / "src"
    typical, big = src / TYPICAL, src / BIG
    print(f"leaf-lsp LSP benchmark: {len(files)} transformers modeling files available")
    for label, path in (("typical", typical), ("big", big)):
        lines = path.read_text(encoding="utf-8").count("\n")
        # Cold: no result cache (where the CLI and the server keep it for these files).
        shutil.rmtree(src / ".leaf_lsp_cache", ignore_errors=True)
        bench = Bench()
        init = await bench.start(src)
        opened = time.perf_counter()
        uri = bench.open(path, path.read_text(encoding="utf-8"))
        first = await bench.wait_publish(uri, 1) - opened
        diagnostics = [p for _, p in bench.published if p.uri == uri][-1].diagnostics
        print(f"\n{label}: {path.relative_to(src)} ({lines} lines, {len(diagnostics)} diagnostics)")
        print(
            f"  cold start: spawn -> initialized {init * 1000:.0f} ms; didOpen -> first diagnostics {first * 1000:.0f} ms"
        )
        bench.client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        await asyncio.sleep(0.3)
        warm = Bench()
        await warm.start(src)
        opened = time.perf_counter()
        warm_uri = warm.open(path, path.read_text(encoding="utf-8"))
        kept = await warm.wait_publish(warm_uri, 1) - opened
        await asyncio.sleep(0.5)
        await warm.stop()
        print(
            f"  warm start (a new server, the result cache kept): didOpen -> first diagnostics {kept * 1000:.0f} ms"
        )
        for where, what in (
            ("end", "typing at the end of the file"),
            ("spread", "typing inside statements spread over the file"),
            ("newline", "line breaks spread over the file (every later line moves)"),
        ):
            latencies = await edit_latency(bench, path, args.edits, where)
            print(
                f"  didChange -> diagnostics minus {DEBOUNCE_S * 1000:.0f} ms debounce, {args.edits} edits, {what}: "
                f"p50 {pct(latencies, 50):.1f} ms, p95 {pct(latencies, 95):.1f} ms"
            )
        bench.open(path, path.read_text(encoding="utf-8"))
        await bench.wait_publish(uri, 1)
        await asyncio.sleep(0.5)  # let the full analysis (hints) finish
        hint_times, count = await hint_latency(bench, path, args.edits)
        print(
            f"  inlay hints (60-line windows) over {args.edits} requests: "
            f"p50 {pct(hint_times, 50):.1f} ms, p95 {pct(hint_times, 95):.1f} ms ({count / args.edits:.1f} hints/window)"
        )
        await bench.stop()

    bench = Bench()
    await bench.start(src)
    baseline = bench.rss_mb()
    chosen = files[: args.files]
    began = time.perf_counter()
    uris = [bench.open(path, path.read_text(encoding="utf-8")) for path in chosen]
    for uri in uris:
        await bench.wait_publish(uri, 1, timeout=1800)
    took = time.perf_counter() - began
    total_lines = sum(p.read_text(encoding="utf-8").count("\n") for p in chosen)
    print(
        f"\nmemory: server RSS {baseline:.0f} MB idle -> {bench.rss_mb():.0f} MB after opening {len(chosen)} files "
        f"({total_lines} lines; all diagnostics in {took:.1f} s)"
    )
    await bench.stop()


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cache", default=".cache/bench")
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    # Bytecode first, as `pip install` makes it: a server start must not time compiling
    # leaf-lsp itself (which every start does where PYTHONDONTWRITEBYTECODE is set).
    import leaf_lsp

    compileall.compile_dir(str(Path(leaf_lsp.__file__).parent), quiet=1)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
