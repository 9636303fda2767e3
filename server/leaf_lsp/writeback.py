"""Source files for ``--fix``: decoding them as Python does, and writing the fixed text back.

Decoding follows PEP 263, like the interpreter: a UTF-8 BOM, else a ``coding:`` cookie on
one of the first two lines, else UTF-8. The fixed text is encoded the same way, so a
latin-1 file stays latin-1 and a BOM stays.

Writing goes into the existing file, in place, rather than to a temporary file renamed
over it. A rename would make a new inode: it replaces a symlink with a regular file,
splits hard links, and loses the owner, ACLs and extended attributes unless each is
copied back (which needs privileges); its temporary name can also be too long for the
directory when the file name already nearly is. The price of writing in place is that the
file is not replaced atomically. To keep that window small and recoverable, only the bytes
from the first difference on are written, and any failure while writing (a full disk, an
I/O error, Ctrl-C) writes the original bytes back before the error goes on; only the
machine dying at that moment can leave a partial file.

Nothing is written when the file is read-only (no write bit for anyone, decided from the
mode, since root may write anyway), or when its text is no longer the text that was
analysed (someone saved it meanwhile: writing would lose their change).
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class NotWritten(Exception):
    """A file left as it is on purpose; the message says why (``read-only, not fixed``)."""


@dataclass(frozen=True)
class Decoded:
    """A file's text and the codec that gives back its bytes (``utf-8-sig`` keeps a BOM)."""

    text: str
    encoding: str

    @property
    def bom(self) -> bool:
        """Whether the file starts with a UTF-8 byte order mark."""
        return self.encoding == "utf-8-sig"


def decode(data: bytes) -> Decoded | str:
    """Decode file bytes as the interpreter would; a ``str`` result says why it cannot be."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # Also raised when the first lines are not UTF-8 and name no encoding: then the
        # problem is the bytes, and the message says where they are.
        encoding = "utf-8"
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            pass
        else:
            return f"cannot decode the file: {error.msg}; skipped"
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as error:
        name = "UTF-8" if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") else encoding
        return f"file is not valid {name} (byte {error.start}); skipped"


def encode(decoded: Decoded, text: str) -> bytes:
    """``text`` in the encoding (and BOM) of ``decoded``; raises UnicodeEncodeError."""
    return text.encode(decoded.encoding)


def reencode(original: bytes, text: str) -> bytes | None:
    """``text`` encoded like the file whose bytes were ``original``; None if it cannot be."""
    decoded = decode(original)
    if isinstance(decoded, str):
        return None
    try:
        return encode(decoded, text)
    except UnicodeEncodeError:
        return None


def write_back(path: Path, analysed: str, new_text: str) -> None:
    """Replace the contents of ``path`` (whose text was ``analysed``) with ``new_text``.

    Writes through a symlink to its target, into the same inode (hard links, owner, mode,
    ACLs and attributes stay). Raises :class:`NotWritten` when the file is read-only, is
    no longer ``analysed``, or cannot hold ``new_text`` in its encoding; ``OSError`` when
    writing fails (the file is then left as it was, as far as the system lets us).
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotWritten("not a regular file, not fixed")
    if not info.st_mode & _ANY_WRITE:
        raise NotWritten("read-only, not fixed")
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        opened = os.fstat(fd)
        old = _read_all(fd)
        decoded = decode(old)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino) or (
            isinstance(decoded, str) or decoded.text != analysed
        ):
            raise NotWritten("changed on disk while fixing, not written")
        try:
            if encode(decoded, decoded.text) != old:
                # A codec that does not give back the same bytes would rewrite the whole file.
                raise NotWritten(f"its encoding ({decoded.encoding}) does not round-trip, not fixed")
            new = encode(decoded, new_text)
        except UnicodeEncodeError:
            raise NotWritten(
                f"the fixed text does not fit its encoding ({decoded.encoding}), not fixed"
            ) from None
        _replace_contents(fd, old, new)
        _restore_mode(fd, opened.st_mode)
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _common_prefix(a: bytes, b: bytes) -> int:
    # Compare in blocks first: a fix usually changes a few lines of a large file.
    limit = min(len(a), len(b))
    start = 0
    block = 4096
    while start + block <= limit and a[start : start + block] == b[start : start + block]:
        start += block
    while start < limit and a[start] == b[start]:
        start += 1
    return start


def _write_at(fd: int, offset: int, data: bytes) -> None:
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _replace_contents(fd: int, old: bytes, new: bytes) -> None:
    start = _common_prefix(old, new)
    try:
        _write_at(fd, start, new[start:])
        if len(new) < len(old):
            os.ftruncate(fd, len(new))
    except BaseException:
        # Put the original back (its blocks are already allocated, so a full disk that
        # stopped the new text does not stop this), then let the error go on.
        try:
            _write_at(fd, start, old[start:])
            os.ftruncate(fd, len(old))
        except OSError:
            pass
        raise


def _restore_mode(fd: int, mode: int) -> None:
    # Without CAP_FSETID, the kernel clears setuid (and setgid) bits on a write; the owner
    # may set them again. Root keeps them anyway.
    fchmod = getattr(os, "fchmod", None)
    if fchmod is None:
        return
    try:
        if os.fstat(fd).st_mode != mode:
            fchmod(fd, stat.S_IMODE(mode))
    except OSError:
        pass
