"""Storage identity and autograd graph nodes, and which interpretation run built them.

An :class:`Obj` is a tensor's storage (views share their base's): in-place ops bump its
version, graph nodes that saved it remember the version they saw. A :class:`Node` is the
``grad_fn`` of a non-leaf with what it saved; a backward frees it unless told to retain it.
Ids and run numbers come from this module's counters; they are compared, never printed.
"""

from __future__ import annotations

import itertools
import threading

_ids = itertools.count(1)


class Obj:
    """A tensor's identity: in-place ops bump ``version``; views share their base's Obj."""

    __slots__ = ("id", "version", "retains_grad", "line", "users", "grad_read", "optimized", "joined")

    def __init__(self, line: int = 0) -> None:
        self.id = next(_ids)
        self.version = 0
        self.retains_grad = False
        self.line = line
        #: Graph nodes built from this tensor (to tell whether a graph using it is still live).
        self.users: list[Node] = []
        #: Its `.grad` is read somewhere / it is handed to an optimizer.
        self.grad_read = False
        self.optimized = False
        #: For the storage of a value joined from several (branches): the storages it stands for.
        self.joined: tuple[Obj, ...] = ()

    def bump(self) -> None:
        """An in-place change: a new version (of every tensor a joined value stands for too)."""
        self.version += 1
        for obj in self.joined:
            obj.version += 1

    def mark_optimized(self) -> None:
        """An optimizer holds this tensor (and every tensor a joined value stands for)."""
        self.optimized = True
        for obj in self.joined:
            obj.optimized = True

    def in_live_graph(self) -> bool:
        """Whether a graph that saved this tensor's value still waits for its backward."""
        return self.live_user() is not None

    def live_user(self) -> Node | None:
        """The latest graph node that saved this tensor's value (or, for a value standing for
        several tensors, one of theirs) and still waits for backward."""
        run = current_run()
        for obj in (self,) + self.joined:
            for node in reversed(obj.users[-8:]):
                if not node.freed and node.run == run and any(saved is obj for saved, _ in node.saved):
                    return node
        return None


#: Which interpretation run builds graph nodes now: graphs of different runs (the module's
#: code, each function analysed on its own, another module's definitions) never meet at run
#: time. Per thread, because the language server analyses in worker threads.
_runs = threading.local()
_run_ids = itertools.count(1)


def current_run() -> int:
    """The id of the interpretation run under way in this thread (0 before the first)."""
    run: int = getattr(_runs, "current", 0)
    return run


def start_run() -> int:
    """Begin a new interpretation run in this thread; returns the previous run's id."""
    previous = current_run()
    _runs.current = next(_run_ids)
    return previous


def resume_run(run: int) -> None:
    """Go back to run ``run`` (after a nested run, such as another module's definitions)."""
    _runs.current = run


class Node:
    """An autograd graph node (the ``grad_fn`` of a non-leaf), with what it saved."""

    __slots__ = ("id", "inputs", "saved", "freed", "line", "run", "backwards", "merge")

    def __init__(self, inputs: tuple[Node, ...], saved: tuple[tuple[Obj, int], ...], line: int) -> None:
        self.id = next(_ids)
        self.inputs = inputs
        self.saved = saved
        self.freed = False
        self.line = line
        self.run = current_run()
        #: How many backward passes went through this node so far.
        self.backwards = 0
        #: Stands for either of its inputs (a value joined from branches): not a real op.
        self.merge = False
