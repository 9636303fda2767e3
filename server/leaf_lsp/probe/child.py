"""The probe's child: runs one user file as ``__main__`` under a tracer and writes facts as JSON.

This file is executed BY PATH in the user's own interpreter (``python child.py ...``), so it may
import only the standard library and torch -- never leaf_lsp. It has two modes:

* ``run REQUEST_JSON``: cold, one run in this process, then exit.
* ``serve CONTROL_FD``: warm worker. Imports torch once, then for each request received on the
  control socket forks a grandchild that runs the file. The worker itself never runs a torch op
  (forking after one deadlocks in OpenMP), so every run starts from the same clean state.

The result always goes to the temp file named in the request (written atomically); the user's
stdout/stderr are whatever descriptors the caller handed us and never carry the protocol.
Recording follows /work/shared/corpus/oracle.py: facts keyed by the first line of the innermost
statement, "varies" when a loop changes is_leaf/requires_grad, exception and warning lines
normalised the same way.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import time
import traceback
import warnings
import weakref
from typing import Any

MAX_FACTS = 5000
MAX_WARNINGS = 200
MAX_GRAPH_NODES = 400
MAX_MESSAGE = 2000
#: Distinct (grad mode, call site) contexts kept per fact; later ones still count in the fact.
MAX_CONTEXTS = 8


def statement_index(source: str) -> tuple[dict[int, int], dict[int, list[str]]]:
    """Map each line to the first line of its innermost statement, and assignment lines to targets."""
    tree = ast.parse(source)
    stmt_of_line: dict[int, int] = {}
    span_of_line: dict[int, int] = {}
    targets: dict[int, list[str]] = {}

    def names(t: ast.AST) -> list[str]:
        if isinstance(t, ast.Name):
            return [t.id]
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self":
            return ["self." + t.attr]
        if isinstance(t, (ast.Tuple, ast.List)):
            return [n for e in t.elts for n in names(e)]
        if isinstance(t, ast.Starred):
            return names(t.value)
        return []

    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        lo = node.lineno
        hi = node.end_lineno or lo
        for ln in range(lo, hi + 1):  # keep the innermost (shortest) statement
            if ln not in span_of_line or hi - lo < span_of_line[ln]:
                span_of_line[ln], stmt_of_line[ln] = hi - lo, lo
        if isinstance(node, ast.Assign):
            tg = [n for t in node.targets for n in names(t)]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            tg = names(node.target)
        else:
            continue
        if tg:
            targets[lo] = tg
    return stmt_of_line, targets


def _write_json(path: str, data: dict[str, Any]) -> None:
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)  # atomic: the runner never reads half a result


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


def _device_label(torch: Any, requested: str) -> str:
    if requested == "cpu":
        return "cpu"
    try:
        if torch.cuda.is_available():
            return f"cuda:0 ({torch.cuda.get_device_name(0)})"
    except Exception:
        pass
    return "cpu"


class _Graph:
    """Walks the autograd graph behind a tensor into DOT text (done here, where the objects live)."""

    def __init__(self, torch: Any, names_of: dict[int, str]) -> None:
        self.torch = torch
        self.names_of = names_of

    def dot(self, root: Any, root_name: str) -> str:
        lines = ["digraph autograd {", '  rankdir="BT";', '  node [fontname="monospace", fontsize=10];']
        ids: dict[int, str] = {}
        count = [0]

        def node_id(obj: Any) -> str:
            key = id(obj)
            if key not in ids:
                ids[key] = f"n{len(ids)}"
            return ids[key]

        def q(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

        def tdesc(t: Any) -> str:
            try:
                return "{} {}".format(tuple(t.shape), str(t.dtype).replace("torch.", ""))
            except Exception:
                return "tensor"

        rid = "root"
        lines.append(
            "  {} [label={}, shape=box, style=filled, fillcolor=palegreen];".format(
                rid, q(f"{root_name}\n{tdesc(root)}")
            )
        )
        fn = getattr(root, "grad_fn", None)
        if fn is None:
            label = "{}: leaf, requires_grad={}".format(
                root_name, bool(getattr(root, "requires_grad", False))
            )
            lines[-1] = f"  {rid} [label={q(label)}, shape=ellipse, style=filled, fillcolor=lightblue];"
            lines.append("}")
            return "\n".join(lines) + "\n"
        seen: set[int] = set()
        stack = [fn]
        lines.append(f"  {node_id(fn)} -> {rid};")
        while stack:
            cur = stack.pop()
            if id(cur) in seen:
                continue
            seen.add(id(cur))
            count[0] += 1
            if count[0] > MAX_GRAPH_NODES:
                lines.append('  truncated [label="... graph truncated", shape=plaintext];')
                break
            nid = node_id(cur)
            name = type(cur).__name__
            variable = getattr(cur, "variable", None) if name == "AccumulateGrad" else None
            if variable is not None:
                vname = self.names_of.get(id(variable), "")
                label = "{}\n{}".format(vname or "leaf tensor", tdesc(variable))
                lines.append(f"  {nid} [label={q(label)}, shape=ellipse, style=filled, fillcolor=lightblue];")
            else:
                lines.append(f"  {nid} [label={q(name)}, shape=box];")
                self._saved(cur, nid, lines, q, tdesc)
            for nxt, _ in getattr(cur, "next_functions", ()) or ():
                if nxt is None:
                    continue
                lines.append(f"  {node_id(nxt)} -> {nid};")
                stack.append(nxt)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _saved(self, node: Any, nid: str, lines: list[str], q: Any, tdesc: Any) -> None:
        torch = self.torch
        for attr in dir(node):
            if not attr.startswith("_saved_"):
                continue
            try:
                value = getattr(node, attr)
            except RuntimeError:
                value = "freed"  # saved tensors are released by backward() without retain_graph
            except Exception:
                continue
            if not (isinstance(value, torch.Tensor) or value == "freed"):
                continue
            sid = f"{nid}_{attr}"
            desc = "freed" if isinstance(value, str) else tdesc(value)
            vname = self.names_of.get(id(value), "") if not isinstance(value, str) else ""
            label = "saved {}{}\n{}".format(attr[7:], (" = " + vname) if vname else "", desc)
            lines.append(
                f"  {sid} [label={q(label)}, shape=note, style=filled, fillcolor=orange, fontsize=8];"
            )
            lines.append(f"  {sid} -> {nid} [style=dashed, arrowhead=none];")


def run_case(request: dict[str, Any]) -> dict[str, Any]:
    """Run the requested file under the tracer and return the result mapping (never raises)."""
    started = time.perf_counter()
    case = os.path.abspath(request["path"])
    cwd = request.get("cwd") or os.path.dirname(case)
    result: dict[str, Any] = {
        "error": None,
        "facts": [],
        "exception": None,
        "warnings": [],
        "lines_run": [],
        "graph": None,
        "python": sys.version.split()[0],
    }
    try:
        import torch
    except BaseException as e:  # ImportError, or a broken install raising anything else
        result["error"] = f"torch cannot be imported by {sys.executable}: {type(e).__name__}: {e}"
        return result
    result["torch_version"] = str(torch.__version__)
    device = request.get("device", "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        result["error"] = "device 'cuda' was requested but torch.cuda.is_available() is False here"
        return result
    result["device"] = _device_label(torch, device)
    try:
        # As Python reads it (PEP 263 coding cookie or BOM, else UTF-8), so lines match the run.
        import tokenize

        with tokenize.open(case) as f:
            source = f.read()
        stmt_of_line, targets = statement_index(source)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError) as e:
        result["error"] = f"cannot read or parse {case}: {type(e).__name__}: {e}"
        return result
    stmt = stmt_of_line.get

    try:
        os.chdir(cwd)
    except OSError as e:
        result["error"] = f"cannot change directory to {cwd}: {e}"
        return result
    # `python case.py` puts the case's folder first on sys.path; we also add the workspace folder.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    for entry in (cwd, os.path.dirname(case)):
        if entry not in sys.path:
            sys.path.insert(0, entry)

    torch.manual_seed(0)
    Tensor = torch.Tensor
    facts: dict[tuple[int, str], dict[str, Any]] = {}
    last_value: dict[tuple[int, str], Any] = {}  # weak refs, for `.grad` at the end
    by_name: dict[str, Any] = {}  # name -> weak ref to its latest tensor (graph labels, graph target)
    pending: dict[Any, tuple[int, str]] = {}  # frame -> (statement line, grad mode at its start)
    call_sites: dict[Any, tuple[int | None, str]] = {}  # frame -> (calling statement, its function)
    lines_run: set[int] = set()
    module_globals: dict[str, Any] = {}
    graph_req = request.get("graph")  # None: no graph; "": last backward(); else a variable name
    graph_out: dict[str, Any] = {}

    def describe(value: Any) -> dict[str, Any]:
        fn = value.grad_fn
        return {
            "is_leaf": bool(value.is_leaf),
            "requires_grad": bool(value.requires_grad),
            "grad_fn": type(fn).__name__ if fn is not None else None,
            "dtype": str(value.dtype).replace("torch.", ""),
            "device": str(value.device),
            "shape": list(value.shape),
        }

    def grad_mode() -> str:
        try:
            if torch.is_inference_mode_enabled():
                return "inference_mode"
            return "grad" if torch.is_grad_enabled() else "no_grad"
        except Exception:
            return "grad"

    def call_site(frame: Any) -> tuple[int | None, str]:
        """The innermost statement of the case file that (maybe through library code) made ``frame``."""
        f = frame.f_back
        while f is not None and f.f_code.co_filename != case:
            f = f.f_back
        if f is None:
            return None, ""
        return stmt(f.f_lineno, f.f_lineno), f.f_code.co_name

    def note_context(
        fact: dict[str, Any], desc: dict[str, Any], mode: str, site: tuple[int | None, str]
    ) -> None:
        # Facts differ by grad mode (training vs evaluation under no_grad) and by call site; the
        # oracle's single "first value, varies" record would blank both, so keep each context apart.
        contexts = fact["contexts"]
        for ctx in contexts:
            if ctx["grad_mode"] == mode and ctx["call_line"] == site[0]:
                ctx["count"] += 1
                pair = [desc["is_leaf"], desc["requires_grad"]]
                if pair != [ctx["is_leaf"], ctx["requires_grad"]]:
                    ctx["varies"] = True
                    if pair not in ctx["seen"]:
                        ctx["seen"].append(pair)
                return
        if len(contexts) >= MAX_CONTEXTS:
            fact["contexts_dropped"] = True
            return
        contexts.append(
            {
                "grad_mode": mode,
                "call_line": site[0],
                "caller": site[1],
                "is_leaf": desc["is_leaf"],
                "requires_grad": desc["requires_grad"],
                "grad_fn": desc["grad_fn"],
                "count": 1,
                "varies": False,
                "seen": [[desc["is_leaf"], desc["requires_grad"]]],
            }
        )

    def record(frame: Any, line: int, mode: str) -> None:
        for name in targets.get(line, ()):
            try:
                if name.startswith("self."):
                    value = getattr(frame.f_locals["self"], name[5:])
                else:
                    value = frame.f_locals[name]
            except Exception:
                continue
            if not isinstance(value, Tensor):
                continue
            key = (line, name)
            try:
                desc = describe(value)
            except Exception:
                continue
            old = facts.get(key)
            if old is None:
                if len(facts) >= MAX_FACTS:
                    continue
                desc["count"] = 1
                desc["varies"] = False
                desc["contexts"] = []
                facts[key] = desc
                old = desc
            else:
                old["count"] += 1
                if (old["is_leaf"], old["requires_grad"]) != (desc["is_leaf"], desc["requires_grad"]):
                    old["varies"] = True
            note_context(old, desc, mode, call_sites.get(frame, (None, "")))
            try:
                ref = weakref.ref(value)
                last_value[key] = ref
                by_name[name] = ref
            except TypeError:
                pass

    def local_trace(frame: Any, event: str, arg: Any) -> Any:
        prev = pending.get(frame)
        if event == "exception":  # the statement did not complete
            pending.pop(frame, None)
        elif event == "return":
            if prev is not None:
                record(frame, *prev)
            pending.pop(frame, None)
            call_sites.pop(frame, None)
        elif event == "line":
            cur = stmt(frame.f_lineno, frame.f_lineno)
            lines_run.add(cur)
            if prev is not None and cur != prev[0]:
                record(frame, *prev)
                pending.pop(frame, None)
            if cur in targets and (prev is None or cur != prev[0]):
                # The grad mode at the statement's start: a `with no_grad():` body's last
                # assignment is recorded only after the block has restored grad mode.
                pending[frame] = (cur, grad_mode())
        return local_trace

    def global_trace(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != case:
            return None
        if frame.f_code.co_name == "<module>" and not module_globals:
            module_globals["g"] = frame.f_globals
        call_sites[frame] = call_site(frame)
        return local_trace

    def case_line() -> int | None:
        f: Any = sys._getframe(1)
        while f is not None and f.f_code.co_filename != case:
            f = f.f_back
        return stmt(f.f_lineno, f.f_lineno) if f is not None else None

    def name_scope(scope: dict[str, Any], out: dict[int, str]) -> None:
        for vname, value in list(scope.items()):
            if isinstance(value, torch.nn.Module):
                for pname, p in value.named_parameters():
                    out.setdefault(id(p), f"{vname}.{pname}")
            elif isinstance(value, Tensor):
                out.setdefault(id(value), vname)

    def names_of() -> dict[int, str]:
        """id(tensor) -> a readable name: recorded variables, then the parameters of the modules
        (and the tensors) named in the file's live frames, innermost first, then in its globals."""
        out: dict[int, str] = {}
        try:
            f: Any = sys._getframe(1)
            while f is not None:
                # A model built inside main() or train() is a local: its parameters still get
                # their names (model.fc1.weight), not "(leaf)".
                if f.f_code.co_filename == case and f.f_code.co_name != "<module>":
                    name_scope(dict(f.f_locals), out)
                f = f.f_back
        except Exception:
            pass
        try:
            name_scope(module_globals.get("g", {}), out)
        except Exception:
            pass
        for name, ref in by_name.items():
            t = ref()
            if t is not None:
                out[id(t)] = name
        return out

    def walk(tensor: Any, label: str) -> None:
        try:
            graph_out["dot"] = _Graph(torch, names_of()).dot(tensor, label)
            graph_out["target"] = label
            graph_out["walked"] = weakref.ref(tensor)
        except Exception as e:  # a graph we cannot walk must not break the run
            graph_out["error"] = f"{type(e).__name__}: {e}"

    def name_for(tensor: Any) -> str:
        return names_of().get(id(tensor), "backward() root")

    originals: list[tuple[Any, str, Any]] = []
    if graph_req is not None:
        # Walk before backward() runs: afterwards the saved tensors are freed.
        orig_tensor_backward = Tensor.backward
        orig_autograd_backward = torch.autograd.backward

        def hook(tensor: Any) -> None:
            if graph_req == "":
                walk(tensor, name_for(tensor))
            else:
                ref = by_name.get(graph_req)
                target = ref() if ref is not None else None
                if target is not None and getattr(target, "grad_fn", None) is not None:
                    walk(target, graph_req)

        inside = [False]  # Tensor.backward calls torch.autograd.backward: walk once per call

        def tensor_backward(self: Any, *args: Any, **kwargs: Any) -> Any:
            if inside[0]:
                return orig_tensor_backward(self, *args, **kwargs)
            hook(self)
            inside[0] = True
            try:
                return orig_tensor_backward(self, *args, **kwargs)
            finally:
                inside[0] = False

        def autograd_backward(tensors: Any, *args: Any, **kwargs: Any) -> Any:
            first = tensors[0] if isinstance(tensors, (list, tuple)) and tensors else tensors
            if isinstance(first, Tensor) and not inside[0]:
                hook(first)
            return orig_autograd_backward(tensors, *args, **kwargs)

        originals = [
            (Tensor, "backward", orig_tensor_backward),
            (torch.autograd, "backward", orig_autograd_backward),
        ]
        Tensor.backward = tensor_backward  # type: ignore[method-assign]
        torch.autograd.backward = autograd_backward

    exception: dict[str, Any] | None = None
    caught: list[tuple[Any, int | None]] = []
    run_started = time.perf_counter()
    sys.argv = [case]
    import runpy

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        # keep catch_warnings' recording, but note the case line at warning time (as the oracle does)
        warnings._showwarnmsg_impl = lambda m: caught.append((m, case_line()))  # type: ignore[attr-defined]
        import builtins

        real_import = builtins.__import__

        def untraced_import(name: str, *args: Any, **kwargs: Any) -> Any:
            # A first import runs a library's module bodies (torch.optim pulls in torch._dynamo, some
            # 2 s): keep the tracer's per-call cost off them. Frames of the case file are unaffected
            # (their own local tracing stays on), and a module already imported takes the fast path.
            if name in sys.modules or sys.gettrace() is not global_trace:
                return real_import(name, *args, **kwargs)
            sys.settrace(None)
            try:
                return real_import(name, *args, **kwargs)
            finally:
                sys.settrace(global_trace)

        builtins.__import__ = untraced_import
        sys.settrace(global_trace)
        try:
            runpy.run_path(case, run_name="__main__")
        except SystemExit as e:
            if e.code not in (None, 0):
                exception = {"type": "SystemExit", "message": str(e.code), "line": None}
        except BaseException as e:
            line = None
            for fs in traceback.extract_tb(e.__traceback__):
                if fs.filename == case and fs.lineno is not None:
                    line = stmt(fs.lineno, fs.lineno)
            try:
                message = str(e)
            except Exception:
                message = f"<unprintable {type(e).__name__}>"
            exception = {"type": type(e).__name__, "message": _short(message), "line": line}
        finally:
            sys.settrace(None)
            builtins.__import__ = real_import
    result["program_seconds"] = time.perf_counter() - run_started
    for owner, attr, value in originals:
        setattr(owner, attr, value)

    if graph_req:
        ref = by_name.get(graph_req)
        target = ref() if ref is not None else None
        if target is None:
            target = module_globals.get("g", {}).get(graph_req)
        walked = graph_out.get("walked")
        if isinstance(target, Tensor) and (walked is None or walked() is not target):
            # Never part of a backward(), or rebound since: walk its latest value now.
            walk(target, graph_req)
        elif "dot" not in graph_out:
            graph_out["error"] = f"no tensor named {graph_req!r} was recorded"
    elif graph_req == "" and "dot" not in graph_out:
        graph_out["error"] = "the program never called backward()"
    graph_out.pop("walked", None)
    if graph_req is not None:
        result["graph"] = graph_out

    out_facts = []
    for (line, name), desc in sorted(facts.items()):
        ref = last_value.get((line, name))
        tensor = ref() if ref is not None else None
        grad_populated = None
        if tensor is not None:
            try:
                # .grad of a non-leaf warns (and is always None) unless retain_grad() was called
                keeps = tensor.is_leaf or tensor.retains_grad
                grad_populated = tensor.grad is not None if keeps else None
            except Exception:
                grad_populated = None
        for ctx in desc.get("contexts", ()):
            if not ctx["varies"]:
                del ctx["seen"]
        out_facts.append(dict(line=line, name=name, grad_populated=grad_populated, **desc))
    result["facts"] = out_facts
    result["exception"] = exception
    result["warnings"] = [
        {"category": m.category.__name__, "message": _short(str(m.message)), "line": ln}
        for m, ln in caught[:MAX_WARNINGS]
    ]
    result["lines_run"] = sorted(lines_run)
    result["child_seconds"] = time.perf_counter() - started
    return result


def _limit_memory(memory_mb: Any, kind: Any = "as") -> None:
    """Cap the address space (kind "as") or the data segment (kind "data") at ``memory_mb`` MB."""
    if not memory_mb:
        return
    try:
        import resource

        which = resource.RLIMIT_DATA if kind == "data" else resource.RLIMIT_AS
        cap = int(memory_mb) * 1024 * 1024
        resource.setrlimit(which, (cap, cap))
    except (ImportError, ValueError, OverflowError, OSError, AttributeError):
        pass  # not on this platform, or above the hard limit: the timeout still bounds the run


#: Exit status of a run whose result file could not be written (with RESULT_UNWRITABLE on stderr).
RESULT_UNWRITABLE_STATUS = 86
RESULT_UNWRITABLE = "leaf-lsp probe: cannot write the result file: "


def _run_and_report(request: dict[str, Any]) -> bool:
    """Run one request in this process and write its result file; False when it cannot be written."""
    out = request["result_file"]
    try:
        result = run_case(request)
    except BaseException as e:  # MemoryError while recording, and the like
        result = {"error": f"probe failure: {type(e).__name__}: {_short(str(e))}"}
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    try:
        _write_json(out, result)
    except BaseException as e:
        # A full or unwritable TMPDIR is the tool's environment, not the program: say so on the
        # stderr pipe the runner reads, so it is not reported as the program ending itself.
        try:
            os.write(2, f"\n{RESULT_UNWRITABLE}{type(e).__name__}: {_short(str(e))}\n".encode())
        except OSError:
            pass
        return False
    return True


def _cold(request_json: str) -> None:
    request = json.loads(request_json)
    _limit_memory(request.get("memory_mb"), request.get("memory_kind"))
    written = _run_and_report(request)
    # Skip interpreter teardown (torch's takes ~0.5 s) and any atexit hooks of the user program.
    os._exit(0 if written else RESULT_UNWRITABLE_STATUS)


def _serve(control_fd: int, preload: list[str]) -> None:
    """Warm worker: import torch (and ``preload`` modules) once, then fork one grandchild per request."""
    import importlib
    import socket

    sock = socket.socket(fileno=control_fd)
    try:
        import torch

        hello: dict[str, Any] = {"ready": True, "torch_version": str(torch.__version__), "preloaded": []}
        for name in preload:
            # Imports only, never ops: torch.optim pulls in torch._dynamo (~2 s) on first use.
            try:
                importlib.import_module(name)
                hello["preloaded"].append(name)
            except BaseException:
                pass
    except BaseException as e:
        hello = {
            "ready": False,
            "error": f"torch cannot be imported by {sys.executable}: {type(e).__name__}: {e}",
        }
    sock.sendall((json.dumps(hello) + "\n").encode())
    if not hello["ready"]:
        return
    spare = _fork_spare(sock)
    buf = b""
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(sock, 65536, 4)
        except OSError:
            return
        if not msg:
            return
        buf += msg
        if b"\n" not in buf:
            for fd in fds:
                os.close(fd)
            continue
        line, buf = buf.split(b"\n", 1)
        pid, channel = spare
        try:
            socket.send_fds(channel, [line + b"\n"], fds)
        except OSError:
            pass  # the spare died (killed from outside): its wait status tells the runner
        channel.close()
        for fd in fds:
            os.close(fd)
        sock.sendall((json.dumps({"pid": pid}) + "\n").encode())
        # Fork the next spare while this run goes on, so the fork is off the next run's path.
        spare = _fork_spare(sock)
        status = _wait_run(pid, sock)
        sock.sendall((json.dumps({"pid": pid, "status": status}) + "\n").encode())


def _wait_run(pid: int, control: Any) -> int:
    """Wait for the run ``pid``; if the runner goes away meanwhile (EOF on the control socket),
    kill the run's process group and exit, so an editor that dies leaves nothing running."""
    import select
    import signal
    import socket

    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = -1
    queued = False  # the runner already sent its next request: only the exit matters now
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            watch = [] if queued else [control]
            if pidfd >= 0:
                watch.append(pidfd)
            ready, _, _ = select.select(watch, [], [], 0.05 if pidfd < 0 or queued else None)
            if control in ready:
                try:
                    peek = control.recv(1, socket.MSG_PEEK)
                except OSError:
                    peek = b""
                if peek:
                    queued = True
                else:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                    os.waitpid(pid, 0)
                    os._exit(0)
    finally:
        if pidfd >= 0:
            os.close(pidfd)


def _die_with_parent() -> None:
    """Linux: be killed when the worker dies (it is single-threaded, so this is safe)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except Exception:
        pass  # not Linux: the worker's own EOF watch still covers the common case


def _fork_spare(control: Any) -> tuple[int, Any]:
    """Fork a grandchild that waits for its request; returns (pid, the socket to send it on).

    Forking a process holding torch costs tens of ms; doing it ahead of time takes that off the
    run. The spare is in its own session (process group) from the start and exits at once if the
    worker goes away (its socket reaches EOF).
    """
    import socket

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    worker = os.getpid()
    pid = os.fork()
    if pid != 0:
        theirs.close()
        return pid, ours
    try:
        os.setsid()  # own process group: the runner kills the whole group on timeout
        _die_with_parent()
        if os.getppid() != worker:  # the worker died before the death signal was armed
            os._exit(0)
        control.close()
        ours.close()
        msg, fds, _flags, _addr = socket.recv_fds(theirs, 1 << 20, 4)
        theirs.close()
        if not msg:
            os._exit(0)
        request = json.loads(msg.split(b"\n", 1)[0])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if len(fds) >= 2:
            os.dup2(fds[0], 1)
            os.dup2(fds[1], 2)
        for fd in fds[:2]:
            os.close(fd)
        done = fds[2] if len(fds) >= 3 else -1
        if done >= 0:
            os.set_inheritable(done, False)  # programs the user spawns must not hold it open
        _limit_memory(request.get("memory_mb"), request.get("memory_kind"))
        if not _run_and_report(request):
            os._exit(RESULT_UNWRITABLE_STATUS)  # no "done" byte: the runner reads the status
        if done >= 0:
            # The result file is complete: the runner need not wait for this process's teardown
            # (unmapping a forked torch process takes tens of ms). Release the output pipes first
            # so the runner's readers see EOF now rather than at exit.
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                os.write(done, b"1")
            except OSError:
                pass
    finally:
        os._exit(0)


def main(argv: list[str]) -> None:
    """Entry point: ``child.py run REQUEST_JSON`` or ``child.py serve CONTROL_FD [MODULE,...]``."""
    if len(argv) == 3 and argv[1] == "run":
        _cold(argv[2])
    elif len(argv) in (3, 4) and argv[1] == "serve":
        _serve(int(argv[2]), [m for m in (argv[3] if len(argv) == 4 else "").split(",") if m])
    else:
        sys.stderr.write("usage: child.py run REQUEST_JSON | child.py serve CONTROL_FD [MODULE,...]\n")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv)
