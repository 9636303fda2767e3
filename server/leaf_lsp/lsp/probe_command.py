"""The ``leaf-lsp.probe`` and ``leaf-lsp.graph`` commands: run the file with torch, on request only.

The probe runs in a worker thread with a cancellation event that both ``$/cancelRequest``
and the progress bar's cancel button set (the probe then kills the run). Its merged
analysis is kept on the document until the next edit and republished. Nothing runs when
the client said the workspace is untrusted.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from .documents import Document, Snapshot
from .session import Session

UNTRUSTED = (
    "leaf-lsp: the workspace is not trusted, so the file was not run (Verify with torch runs your code)."
)


class ProbeError(JsonRpcException):
    """A probe request that cannot be served (untrusted, unknown document...)."""

    CODE = -32803  # RequestFailed


def _fail(session: Session, message: str) -> ProbeError:
    session.show(message, lsp.MessageType.Error)
    return ProbeError(message)


def _document(session: Session, args: tuple[Any, ...]) -> Document:
    if not args or not isinstance(args[0], str):
        raise JsonRpcInvalidParams("expected the document URI as the first argument")
    doc = session.analyzer.get(args[0])
    if doc is None:
        raise JsonRpcInvalidParams(f"document not open: {args[0]}")
    return doc


def _program_path(doc: Document) -> tuple[str, str | None, str | None]:
    """(path to run, cwd, temp dir to delete): the buffer itself when it differs from disk."""
    cwd = str(Path(doc.path).parent) if doc.path != doc.uri else None
    try:
        if doc.path != doc.uri and Path(doc.path).read_text(encoding="utf-8") == doc.text:
            return doc.path, cwd, None
    except (OSError, UnicodeDecodeError):
        pass
    # Unsaved changes: run exactly what the user sees, so line numbers match the buffer.
    tmp = tempfile.mkdtemp(prefix="leaf-lsp-probe-")
    name = Path(doc.path).name if doc.path.endswith(".py") else "program.py"
    target = os.path.join(tmp, name)
    with open(target, "w", encoding="utf-8", errors="surrogatepass") as handle:
        handle.write(doc.text)
    return target, cwd, tmp


def _run(session: Session, doc: Document, cancel: threading.Event, graph: str | None) -> Any:
    from .. import probe  # lazy: the probe machinery is only needed on request

    path, cwd, tmp = _program_path(doc)
    settings = session.client.probe
    try:
        return probe.run_file(
            path,
            interpreter=settings.interpreter or None,
            cwd=cwd,
            timeout=settings.timeout,
            memory_mb=settings.memory_mb,
            device=settings.device,
            graph=graph,
            cancel=cancel,
            warm=True,  # the editor probes repeatedly: keep torch imported in a worker
        )
    finally:
        if tmp is not None:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


async def run_probe(
    session: Session, args: tuple[Any, ...], request_id: Any, graph: str | None = None
) -> Any:
    """Run the probe for the document ``args[0]``; returns the probe result (raises a JSON-RPC error)."""
    doc = _document(session, args)
    if not session.client.trusted:
        raise _fail(session, UNTRUSTED)
    snap = await session.analyzer.wait_current(doc)
    cancel = threading.Event()
    if request_id is not None:
        session.cancel_events[request_id] = cancel
    token: str | None = None
    progress = session.server.work_done_progress
    if session.work_done_progress:
        token = f"leaf-lsp-probe-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(progress.create_async(token), timeout=5)
            progress.begin(token, lsp.WorkDoneProgressBegin(title="Verify with torch", cancellable=True))
            cancel_future = progress.tokens.get(token)
            if cancel_future is not None:
                cancel_future.add_done_callback(lambda f: cancel.set() if f.cancelled() else None)
        except Exception:  # a client that refuses progress still gets the run
            token = None
    try:
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.shield(loop.run_in_executor(None, _run, session, doc, cancel, graph))
        except asyncio.CancelledError:
            cancel.set()
            raise
        except ImportError as exc:
            raise _fail(session, f"leaf-lsp: the probe is not available ({exc})") from exc
    finally:
        session.cancel_events.pop(request_id, None)
        if token is not None:
            progress.end(token, lsp.WorkDoneProgressEnd(message="cancelled" if cancel.is_set() else "done"))
    if cancel.is_set():
        raise ProbeError("leaf-lsp: the run was cancelled")
    if graph is None:
        _merge(session, doc, snap, result)
    return result


def _merge(session: Session, doc: Document, snap: Snapshot, result: Any) -> None:
    from .. import probe

    if getattr(result, "error", None):
        session.show(f"leaf-lsp: the probe could not finish: {result.error}", lsp.MessageType.Warning)
    try:
        merged = probe.merge(snap.analysis, result)
    except Exception as exc:  # a probe bug must not take the editor down
        session.show(f"leaf-lsp: cannot merge the probe result: {exc}", lsp.MessageType.Error)
        return
    merged_snap = Snapshot(version=snap.version, index=snap.index, analysis=merged, epoch=snap.epoch)
    session.analyzer.publish_probe(doc, merged_snap)
    if doc.probe is merged_snap:
        session.publish(doc)
        session.refresh()


def summary(result: Any) -> dict[str, Any]:
    """A JSON-friendly summary of a probe result for the command's response."""
    exception = getattr(result, "exception", None)
    return {
        "ok": getattr(result, "error", None) is None,
        "error": getattr(result, "error", None),
        "device": getattr(result, "device", ""),
        "torch": getattr(result, "torch_version", ""),
        "duration": getattr(result, "duration", 0.0),
        "facts": len(getattr(result, "facts", []) or []),
        "exception": None
        if exception is None
        else {"type": exception.type, "message": exception.message, "line": exception.line},
    }


def graph_response(result: Any) -> dict[str, str | None]:
    """The ``leaf-lsp.graph`` response shape."""
    error = getattr(result, "graph_error", None) or getattr(result, "error", None)
    return {
        "dot": getattr(result, "graph_dot", None),
        "svg": getattr(result, "graph_svg", None),
        "error": error,
    }
