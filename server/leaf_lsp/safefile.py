"""Reading the user's files without surprises: regular files only, and never more than a limit.

A path from the editor or from an import can name anything: ``/dev/zero`` (endless), a
FIFO (``open`` blocks until a writer comes, stopping the server), a terminal. Only
regular files are read, they are opened non-blocking so that a path swapped for a FIFO
after the check still cannot block, and the read stops at the limit.
"""

from __future__ import annotations

import os
import stat

#: Files larger than this are not read from disk (the language server also skips
#: analysing open documents larger than its ``maxFileSizeKb`` setting).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (after symlinks) is a regular file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes | None:
    """The content of the regular file ``path``; None if it is not one, is larger than ``max_bytes``, or fails."""
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode) or before.st_size > max_bytes:
            return None
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError):
        return None
    try:
        # The path may have changed between the two calls: judge what was opened.
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or opened.st_size > max_bytes:
            return None
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:  # the file grew while being read
            return None
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """:func:`read_bytes` decoded as UTF-8 (None when it is not valid UTF-8)."""
    data = read_bytes(path, max_bytes)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
