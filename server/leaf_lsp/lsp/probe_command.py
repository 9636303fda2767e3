"""The ``leaf-lsp.probe`` and ``leaf-lsp.graph`` commands: run the file with torch, on request only.

The probe runs in a worker thread with a cancellation event that both ``$/cancelRequest``
and the progress bar's cancel button set (the probe then kills the run). Its merged
analysis is kept on the document until the next edit and republished. Nothing runs unless
the client explicitly said the workspace is trusted, the connection may run code (over TCP:
it presented the server's token) and the document is in the probe's scope (by default a
file inside a workspace folder). See docs/security.md.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import tempfile
import threading
import tokenize
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from .documents import Document, Snapshot
from .probe_outcome import Outcome, outcome
from .session import Session

UNTRUSTED = (
    "leaf-lsp: the workspace is not trusted, so the file was not run (Verify with torch runs your code)."
)
OUT_OF_SCOPE = (
    "leaf-lsp: {what} is not inside a workspace folder, so it was not run (setting `probe.scope` "
    'is "workspace"; set it to "any" to run files from anywhere).'
)
#: PEP 263: a coding cookie in a comment on line 1 or 2.
_COOKIE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)", re.ASCII)


class ProbeError(JsonRpcException):
    """A probe request that cannot be served (untrusted, unknown document...)."""

    CODE = -32803  # RequestFailed


def _fail(session: Session, message: str) -> ProbeError:
    session.show(message, lsp.MessageType.Error)
    return ProbeError(message)


class ProbeEnvironmentError(Exception):
    """The probe's own files could not be written (TMPDIR full or unwritable): not the program's fault."""


def _document(session: Session, args: tuple[Any, ...]) -> Document:
    if not args or not isinstance(args[0], str):
        raise JsonRpcInvalidParams("expected the document URI as the first argument")
    doc = session.analyzer.get(args[0])
    if doc is None:
        raise JsonRpcInvalidParams(f"document not open: {args[0]}")
    return doc


def refusal(session: Session, doc: Document) -> str | None:
    """Why ``doc`` may not be run (None when it may): transport, trust, then scope."""
    if session.transport_refusal is not None:
        return session.transport_refusal
    if not session.client.trusted:
        return UNTRUSTED
    if session.client.probe.scope == "any":
        return None
    if doc.path == doc.uri:  # not a file: an untitled buffer, or another scheme
        return OUT_OF_SCOPE.format(what="this buffer is not a saved file and")
    if not session.in_workspace(doc.path):
        return OUT_OF_SCOPE.format(what=Path(doc.path).name)
    return None


def _decoded(data: bytes) -> str | None:
    """File bytes decoded as Python would (PEP 263 cookie or BOM, else UTF-8); None if it cannot."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None


def source_bytes(text: str) -> bytes:
    """``text`` as bytes Python decodes back to ``text``: in the encoding its coding cookie declares.

    A buffer holding characters that encoding cannot represent is written as UTF-8 with the cookie's
    name changed to utf-8 on its own line, so line numbers still match the buffer.
    """
    head = text.split("\n", 2)[:2]
    for number, line in enumerate(head):
        match = _COOKIE.match(line)
        if match is None:
            if number == 0 and line.strip() and not line.lstrip().startswith("#"):
                break  # PEP 263: a cookie on line 2 only counts after a comment or blank line 1
            continue
        try:
            encoding = tokenize.detect_encoding(io.BytesIO(line.encode("ascii", "replace")).readline)[0]
            return text.encode(encoding)
        except (SyntaxError, LookupError, UnicodeEncodeError):
            lines = text.split("\n")
            lines[number] = match.group(1) + "utf-8" + line[match.end() :]
            return "\n".join(lines).encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass")


def _program_path(doc: Document) -> tuple[str, str | None, str | None]:
    """(path to run, cwd, temp dir to delete): the buffer itself when it differs from disk.

    Raises ProbeEnvironmentError when the copy of the buffer cannot be written.
    """
    cwd = str(Path(doc.path).parent) if doc.path != doc.uri else None
    try:
        if doc.path != doc.uri and _decoded(Path(doc.path).read_bytes()) == doc.text:
            return doc.path, cwd, None
    except OSError:
        pass
    # Unsaved changes: run exactly what the user sees, so line numbers match the buffer.
    tmp: str | None = None
    try:
        tmp = tempfile.mkdtemp(prefix="leaf-lsp-probe-")
        name = Path(doc.path).name if doc.path.endswith(".py") else "program.py"
        target = os.path.join(tmp, name)
        with open(target, "wb") as handle:
            handle.write(source_bytes(doc.text))
    except OSError as error:
        if tmp is not None:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        where = tmp or tempfile.gettempdir()
        raise ProbeEnvironmentError(
            f"leaf-lsp: cannot write the buffer's copy to run in {where}: {error.strerror or error}. "
            "This is a problem of leaf-lsp's environment (TMPDIR full or not writable), not of your program."
        ) from error
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
) -> tuple[Any, Outcome | None]:
    """Run the probe for the document ``args[0]`` (raises a JSON-RPC error).

    Returns the probe result and, for a Verify (no ``graph``), the outcome told to the user.
    """
    doc = _document(session, args)
    refused = refusal(session, doc)
    if refused is not None:
        raise _fail(session, refused)
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
        except ProbeEnvironmentError as exc:
            raise _fail(session, str(exc)) from exc
    finally:
        session.cancel_events.pop(request_id, None)
        if token is not None:
            progress.end(token, lsp.WorkDoneProgressEnd(message="cancelled" if cancel.is_set() else "done"))
    if cancel.is_set():
        raise ProbeError("leaf-lsp: the run was cancelled")
    told = _merge(session, doc, snap, result) if graph is None else None
    return result, told


def _merge(session: Session, doc: Document, snap: Snapshot, result: Any) -> Outcome:
    from .. import probe

    merged = None
    if not getattr(result, "error", None):
        try:
            merged = probe.merge(snap.analysis, result, snap.index.text)
        except Exception as exc:  # a probe bug must not take the editor down
            session.show(f"leaf-lsp: cannot merge the probe result: {exc}", lsp.MessageType.Error)
            return Outcome(f"leaf-lsp: cannot merge the probe result: {exc}", True)
        merged_snap = Snapshot(version=snap.version, index=snap.index, analysis=merged, epoch=snap.epoch)
        session.analyzer.publish_probe(doc, merged_snap)
        if doc.probe is merged_snap:
            session.publish(doc)
            session.refresh()
    told = outcome(merged, result)
    # The VS Code extension shows the outcome itself (with a button to pick the interpreter);
    # any other client hears it from the server.
    if not session.client_shows_probe_outcome:
        session.show(told.message, lsp.MessageType.Warning if told.is_error else lsp.MessageType.Info)
    return told


def summary(result: Any, told: Outcome | None = None) -> dict[str, Any]:
    """A JSON-friendly summary of a probe result for the command's response."""
    exception = getattr(result, "exception", None)
    told = told or outcome(None, result)
    return {
        "summary": told.message.removeprefix("leaf-lsp: "),
        "is_error": told.is_error,
        "torch_missing": told.torch_missing,
        "interpreter": told.interpreter,
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
