"""JSON-RPC hygiene: every request gets an answer, even one the server cannot read or serve.

pygls logs a message it cannot decode or validate and moves on, so a client waiting for
the answer to such a request waits forever. Here a body that is not JSON (or nests too
deeply to decode) is answered with an error for the ``id`` that can still be found in
it, and a request whose params fail validation becomes a :class:`Rejected` marker that
the protocol answers with InvalidParams. Notifications have no answer: they are logged
and dropped.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from cattrs.errors import ClassValidationError
from cattrs.v import transform_error
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCProtocol

log = logging.getLogger(__name__)

PARSE_ERROR = int(lsp.ErrorCodes.ParseError)
INVALID_REQUEST = int(lsp.ErrorCodes.InvalidRequest)
INVALID_PARAMS = int(lsp.ErrorCodes.InvalidParams)

# One JSON token: a whole string, a structural character, or a run of anything else
# (numbers, true/false/null, garbage). Enough to walk the top level of a broken body.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^"{}\[\]:,\s]+')


@dataclass(frozen=True)
class Rejected:
    """A message that cannot be handled; answered with ``code`` when it is a request."""

    id: int | str | None
    method: str | None
    code: int
    message: str

    @property
    def is_request(self) -> bool:
        """Whether the sender waits for an answer (and one can be addressed to it)."""
        return self.id is not None


def message_id(value: Any) -> int | str | None:
    """``value`` when it is a usable JSON-RPC id (an integer or a string), else None."""
    if isinstance(value, bool):
        return None
    return value if isinstance(value, (int, str)) else None


def _scalar_id(token: bytes) -> int | str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return message_id(value)


def recover_id(body: bytes) -> int | str | None:
    """The ``id`` member of the top-level object of a body that cannot be decoded, if any.

    Only the top level counts: an ``id`` inside ``params`` (a registration, say) is not
    the message's.
    """
    depth = 0
    expecting_key = False
    key: bytes | None = None
    for match in _TOKEN.finditer(body):
        token = match.group()
        if token in (b"{", b"["):
            if depth == 0:
                if token != b"{":
                    return None  # a batch or a scalar: no single id to answer
                expecting_key = True
            depth += 1
            continue
        if token in (b"}", b"]"):
            depth -= 1
            if depth <= 0:
                return None
            continue
        if depth != 1:
            continue
        if token == b",":
            expecting_key, key = True, None
        elif token == b":":
            expecting_key = False
        elif expecting_key:
            key = token
        elif key == b'"id"':
            return _scalar_id(token)
    return None


def describe_error(error: BaseException) -> str:
    """A short human-readable reason why a message failed validation."""
    if isinstance(error, ClassValidationError):
        try:
            return "; ".join(transform_error(error)) or str(error)
        except Exception:  # the description is a courtesy; never fail on it
            return str(error)
    return str(error)


def reply_error(protocol: JsonRPCProtocol, msg_id: int | str, code: int, message: str) -> None:
    """Send an error response for request ``msg_id``."""
    protocol._send_response(msg_id, error=lsp.ResponseError(code=code, message=message))


def refuse(protocol: JsonRPCProtocol, body: bytes, code: int, message: str) -> None:
    """Answer an undecodable body with an error when its id can be recovered; log it in any case."""
    msg_id = recover_id(body)
    if msg_id is None:
        log.error("leaf-lsp: dropped a message without a usable id: %s", message)
        return
    log.error("leaf-lsp: refused message %r: %s", msg_id, message)
    reply_error(protocol, msg_id, code, message)


def handle_body(protocol: JsonRPCProtocol, body: bytes) -> None:
    """Decode one message body and hand it to ``protocol``; never raises for bad input."""
    try:
        message = json.loads(body, object_hook=protocol.structure_message)
    except RecursionError:
        refuse(protocol, body, INVALID_REQUEST, "the message is nested too deeply")
        return
    except JsonRpcException as exc:  # validation failed and the protocol did not mark it
        refuse(protocol, body, exc.code, exc.message or "invalid message")
        return
    except ValueError as exc:  # not JSON, or not UTF-8
        refuse(protocol, body, PARSE_ERROR, f"the message is not valid JSON ({exc})")
        return
    protocol.handle_message(message)
