"""Memory of the language server over a long run of edits; prints figures, asserts nothing.

Starts ``python -m leaf_lsp.lsp`` (the real engine), opens one small file and sends
``--edits`` single-character ``didChange`` notifications (in batches, a pause after each
so the server keeps up and the debounce lets some analyses run), then prints the
server's resident set size (``VmRSS``, Linux) every ``--every`` edits. Before the fix of
pygls' request table this grew by about 1.7 KB per edit without a plateau.

Usage: ``python scripts/rss_edits.py [--edits 30000] [--every 5000]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from typing import IO, Any

SOURCE = "import torch\n\nw = torch.ones(3, requires_grad=True)\nloss = (w * 2).sum()\n"


def frame(message: dict[str, Any]) -> bytes:
    """One LSP message on the wire."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def drain(stream: IO[bytes]) -> None:
    """Read and discard the server's output so it never blocks on a full pipe."""
    while stream.read(1 << 16):
        pass


def rss_kb(pid: int) -> int:
    """Resident set size of ``pid`` in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main() -> None:
    """Run the measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=30_000)
    parser.add_argument("--every", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    proc = subprocess.Popen(
        [sys.executable, "-m", "leaf_lsp.lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    threading.Thread(target=drain, args=(proc.stdout,), daemon=True).start()
    uri = "file:///tmp/leaf-lsp-rss/edited.py"

    def send(*messages: dict[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(b"".join(frame(m) for m in messages))
        proc.stdin.flush()

    send(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": SOURCE}},
        },
    )
    time.sleep(2.0)
    print(f"{'edits':>8} {'RSS MiB':>8}")
    print(f"{0:>8} {rss_kb(proc.pid) / 1024:>8.1f}")
    version = 1
    while version - 1 < args.edits:
        batch = []
        for _ in range(args.batch):
            version += 1
            # Type a character at the end of the comment on line 5, then remove it again,
            # so the text (and its analysis) stays the same size.
            if version % 2 == 0:
                change = {"range": _range(4, 0, 4, 0), "text": "#"}
            else:
                change = {"range": _range(4, 0, 4, 1), "text": ""}
            batch.append(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
                }
            )
        send(*batch)
        time.sleep(0.02)
        if (version - 1) % args.every == 0:
            time.sleep(0.5)  # let the analysis of the last text finish
            print(f"{version - 1:>8} {rss_kb(proc.pid) / 1024:>8.1f}", flush=True)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=60)


def _range(line: int, char: int, end_line: int, end_char: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": char}, "end": {"line": end_line, "character": end_char}}


if __name__ == "__main__":
    main()
