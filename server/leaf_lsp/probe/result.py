"""The probe's result types and their construction from the child's JSON (which may be hostile)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Diagnostic

GradMode = Literal["grad", "no_grad", "inference_mode"]
_GRAD_MODES: tuple[GradMode, ...] = ("grad", "no_grad", "inference_mode")


@dataclass(frozen=True)
class ProbeContext:
    """What one assignment bound in one context: a grad mode and the call site of its function.

    ``call_line`` is the statement of the file that (perhaps through library code, such as a
    module's ``__call__``) called the function the assignment is in; None at module level.
    ``is_leaf``/``requires_grad`` are None when they changed between executions in this context.
    """

    grad_mode: GradMode
    call_line: int | None
    caller: str
    is_leaf: bool | None
    requires_grad: bool | None
    grad_fn: str | None = None
    count: int = 1

    @property
    def varies(self) -> bool:
        """True when the run bound values of different leafness or requires_grad here."""
        return self.is_leaf is None or self.requires_grad is None


@dataclass(frozen=True)
class ProbeFact:
    """What one assignment bound at run time (first value seen; ``varies`` if a loop changed it)."""

    line: int
    name: str
    is_leaf: bool
    requires_grad: bool
    varies: bool = False
    grad_fn: str | None = None
    dtype: str = ""
    device: str = ""
    shape: tuple[int, ...] = ()
    #: Whether ``.grad`` was set when the program ended (leaves and retain_grad() tensors);
    #: None for other non-leaves or when the tensor no longer existed at the end.
    grad_populated: bool | None = None
    #: How many times the statement bound a tensor to the name.
    count: int = 1
    #: The same fact per grad mode and call site, in the order the contexts first ran.
    contexts: tuple[ProbeContext, ...] = ()

    def describe(self) -> str:
        """Human text such as ``non-leaf, requires grad (grad_fn=MulBackward0)``."""
        if self.varies:
            return "varies across iterations"
        text = "{}, {}".format(
            "leaf" if self.is_leaf else "non-leaf",
            "requires grad" if self.requires_grad else "does not require grad",
        )
        if self.grad_fn:
            text += f" (grad_fn={self.grad_fn})"
        return text


@dataclass(frozen=True)
class ProbeException:
    """The exception that ended the program; ``line`` is in the user's file (None if outside it)."""

    type: str
    message: str
    line: int | None


@dataclass(frozen=True)
class ProbeWarning:
    """A warning raised while the program ran; ``line`` is the user's statement at the time."""

    category: str
    message: str
    line: int | None


@dataclass
class ProbeResult:
    """Everything one probe run produced. ``error`` is set when the program could not be run
    to completion by the probe (timeout, cancel, missing torch, killed, crashed)."""

    path: str
    facts: list[ProbeFact] = field(default_factory=list)
    exception: ProbeException | None = None
    warnings: list[ProbeWarning] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The device the facts were verified on, e.g. "cpu" or "cuda:0 (NVIDIA H100)".
    device: str = ""
    torch_version: str = ""
    python_version: str = ""
    interpreter: str = ""
    #: Wall time of the whole probe run, seconds (spawn/fork, import, program, result).
    duration: float = 0.0
    #: Wall time of the user's program alone (runpy), seconds; 0 when it never started.
    program_seconds: float = 0.0
    stdout_tail: str = ""
    stderr_tail: str = ""
    error: str | None = None
    #: Statement lines (first line of each) that executed at least once.
    lines_run: frozenset[int] = frozenset()
    graph_target: str | None = None
    graph_dot: str | None = None
    graph_svg: str | None = None
    graph_error: str | None = None
    #: Things worth telling the user that are not errors (e.g. leftover processes killed).
    notes: list[str] = field(default_factory=list)
    #: Raw wait status of the run's process (None if unknown), and its pid.
    exit_status: int | None = None
    pid: int | None = None

    @property
    def ok(self) -> bool:
        """True when the probe ran the program to its end (an exception in it still counts)."""
        return self.error is None

    def fact(self, line: int, name: str) -> ProbeFact | None:
        """The fact recorded for ``name`` at statement ``line``, if any."""
        for f in self.facts:
            if f.line == line and f.name == name:
                return f
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _context(raw: Any) -> ProbeContext | None:
    """One context of a fact from the child's JSON; None when it is malformed."""
    if not isinstance(raw, dict):
        return None
    mode = raw.get("grad_mode")
    is_leaf, requires_grad = _bool(raw.get("is_leaf")), _bool(raw.get("requires_grad"))
    if mode not in _GRAD_MODES or is_leaf is None or requires_grad is None:
        return None
    call_line = _int(raw.get("call_line"))
    seen = raw.get("seen")
    if raw.get("varies") is True and isinstance(seen, list):
        pairs = [p for p in seen if isinstance(p, list) and len(p) == 2]
        # A property that every execution agreed on is still known.
        if any(p[0] != is_leaf for p in pairs):
            is_leaf = None
        if any(p[1] != requires_grad for p in pairs):
            requires_grad = None
    elif raw.get("varies") is True:
        is_leaf = requires_grad = None
    grad_fn = raw.get("grad_fn")
    return ProbeContext(
        grad_mode=mode,
        call_line=call_line,
        caller=_str(raw.get("caller")),
        is_leaf=is_leaf,
        requires_grad=requires_grad,
        grad_fn=grad_fn if isinstance(grad_fn, str) else None,
        count=_int(raw.get("count")) or 1,
    )


def fill_from_child(result: ProbeResult, data: Any) -> None:
    """Copy a child's JSON mapping into ``result``; malformed parts are skipped, never raised on."""
    if not isinstance(data, dict):
        result.error = result.error or "the probe child wrote an unreadable result"
        return
    if data.get("error"):
        result.error = _str(data.get("error"), "probe failure")
    result.device = _str(data.get("device"))
    result.torch_version = _str(data.get("torch_version"))
    result.python_version = _str(data.get("python"))
    secs = data.get("program_seconds")
    result.program_seconds = float(secs) if isinstance(secs, (int, float)) else 0.0
    for raw in data.get("facts") or ():
        if not isinstance(raw, dict):
            continue
        line, name = _int(raw.get("line")), raw.get("name")
        if line is None or not isinstance(name, str):
            continue
        shape = raw.get("shape") or ()
        result.facts.append(
            ProbeFact(
                line=line,
                name=name,
                is_leaf=bool(raw.get("is_leaf")),
                requires_grad=bool(raw.get("requires_grad")),
                varies=bool(raw.get("varies")),
                grad_fn=raw.get("grad_fn") if isinstance(raw.get("grad_fn"), str) else None,
                dtype=_str(raw.get("dtype")),
                device=_str(raw.get("device")),
                shape=tuple(int(s) for s in shape if isinstance(s, int)) if isinstance(shape, list) else (),
                grad_populated=raw.get("grad_populated")
                if isinstance(raw.get("grad_populated"), bool)
                else None,
                count=_int(raw.get("count")) or 1,
                contexts=tuple(c for c in map(_context, raw.get("contexts") or ()) if c is not None)
                if isinstance(raw.get("contexts"), list)
                else (),
            )
        )
    exc = data.get("exception")
    if isinstance(exc, dict):
        result.exception = ProbeException(
            _str(exc.get("type"), "Exception"), _str(exc.get("message")), _int(exc.get("line"))
        )
    for raw in data.get("warnings") or ():
        if isinstance(raw, dict):
            result.warnings.append(
                ProbeWarning(
                    _str(raw.get("category"), "Warning"), _str(raw.get("message")), _int(raw.get("line"))
                )
            )
    lines = data.get("lines_run") or ()
    result.lines_run = (
        frozenset(x for x in lines if isinstance(x, int)) if isinstance(lines, list) else frozenset()
    )
    graph = data.get("graph")
    if isinstance(graph, dict):
        result.graph_target = graph.get("target") if isinstance(graph.get("target"), str) else None
        result.graph_dot = graph.get("dot") if isinstance(graph.get("dot"), str) else None
        result.graph_error = graph.get("error") if isinstance(graph.get("error"), str) else None
