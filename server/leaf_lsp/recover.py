"""Recovery parse: the statements of a file that does not parse, so half-typed code keeps the rest.

The file is split into its top-level statements (the scan the incremental parse uses). Each
piece that parses is kept as it is. A piece that does not (an unclosed bracket in one function)
is repaired line by line: the line the parser stops at becomes ``pass`` (or ``if True:`` when an
indented block follows, so a broken ``def`` or ``for`` header keeps its body), until the piece
parses. Only the broken lines lose their facts; positions everywhere are those of the file.
"""

from __future__ import annotations

import ast
import warnings

from .parse import _PARSE_LOCK, ParseError, error_of, top_level_blocks

# Adjacent pieces merged to heal a wrong split (a string or bracket spanning column-0 lines).
_MAX_MERGES = 8
# Lines a broken piece may lose before recovery gives up on the piece.
_MAX_REPAIRS = 40


def recover(source: str, path: str, lines: list[str]) -> tuple[ast.Module, list[ParseError]] | None:
    """A tree of every statement that parses, and one error per broken piece; None if none parse."""
    starts = top_level_blocks(lines)
    bounds = list(zip(starts, starts[1:] + [len(lines)]))
    body: list[ast.stmt] = []
    errors: list[ParseError] = []
    index = 0
    while index < len(bounds):
        first, last = bounds[index]
        statements = None
        for stop in range(index, min(index + _MAX_MERGES, len(bounds))):
            statements, error = _parse(lines[first : bounds[stop][1]], first, path)
            if statements is not None:
                index = stop + 1
                break
        if statements is None:
            statements, error = _repair(lines[first:last], first, path)
            if error is not None:
                errors.append(error)
            index += 1
        body.extend(statements)
    if not body or not errors:
        return None
    return ast.Module(body=body, type_ignores=[]), errors


def _parse(piece: list[str], first: int, path: str) -> tuple[list[ast.stmt] | None, ParseError | None]:
    text = "\n" * first + "".join(piece)
    try:
        with _PARSE_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text, filename=path).body, None
    except SyntaxError as exc:
        return None, error_of(exc, text)
    except (ValueError, RecursionError, MemoryError, SystemError):
        return None, None


def _repair(piece: list[str], first: int, path: str) -> tuple[list[ast.stmt], ParseError | None]:
    """The piece's statements with broken lines replaced, and the piece's first error."""
    work = list(piece)
    replaced: set[int] = set()
    first_error: ParseError | None = None
    for _ in range(min(len(work), _MAX_REPAIRS) + 1):
        statements, error = _parse(work, first, path)
        if statements is not None:
            return statements, first_error
        if error is None:
            break
        first_error = first_error or error
        at = error.span.line - 1 - first
        while at in replaced:
            at += 1
        if not 0 <= at < len(work):
            break
        work[at] = _stand_in(work, at)
        replaced.add(at)
    return [], first_error


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _stand_in(work: list[str], at: int) -> str:
    """A line that parses in place of ``work[at]``: same indentation, same line ending."""
    line = work[at]
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    indent = _indent(body)
    following = next((w for w in work[at + 1 :] if w.strip() and not w.lstrip().startswith("#")), "")
    if len(_indent(following)) <= len(indent):
        return indent + "pass" + (ending or "\n")
    # A broken header: keep its body, as a function body when it was one (methods and
    # functions are analysed on their own, with unknown arguments).
    head = body.lstrip()
    if head.startswith(("def ", "async def ")):
        return indent + "def _leaf_broken_header(*args, **kwargs):" + (ending or "\n")
    if head.startswith("class "):
        return indent + "class _LeafBrokenHeader:" + (ending or "\n")
    return indent + "if True:" + (ending or "\n")
