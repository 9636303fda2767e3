"""Stable digests of texts: what the cross-file interpretation and the result cache key on."""

from __future__ import annotations

import functools
import hashlib


@functools.lru_cache(maxsize=1024)
def text_hash(source: str) -> str:
    """A stable digest of a module's text (not ``hash()``, which varies per process).

    Every importing file checks the texts its imports resolve to; the resolver hands out the
    same string for an unchanged file, so the digest is computed once per text.
    """
    return bytes_hash(source.encode("utf-8", "surrogatepass"))


def bytes_hash(data: bytes) -> str:
    """A stable digest of ``data`` (SHA-256, which CPUs compute in hardware, cut to 128 bits)."""
    return hashlib.sha256(data).hexdigest()[:32]
