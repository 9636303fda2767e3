"""The ``leaf-lsp`` command: ``--check`` files from a terminal, CI or pre-commit; else serve LSP.

``leaf-lsp`` with no arguments (or ``--stdio``) serves the language server over stdio,
``--tcp HOST:PORT`` over TCP. ``leaf-lsp --check [PATH ...]`` analyses files and prints a
report. Exit codes: 0 nothing found, 1 diagnostics (or, with ``--diff``, changes to make),
2 usage error or internal failure. pygls, the probe and the engine are imported lazily so
that each mode loads only what it needs.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import dataclasses
import difflib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

from . import __version__
from .config import ConfigResolver, FileConfig, Overrides
from .digests import bytes_hash
from .discover import MissingPathError, Target, iter_targets
from .fixcheck import parses
from .fixes import analyze, fix_all
from .model import Analysis, Diagnostic, Span
from .notebook import is_notebook_path
from .parse import split_lines
from .probe_limits import DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S, timeout_problem
from .report import FORMATS, FileReport, ReportOptions, render
from .settings import Settings
from .writeback import NotWritten, reencode, write_back
from .writeback import decode as decode_file

_T = TypeVar("_T")

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_ERROR = 2
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Environment variable holding the TCP token when ``--tcp-token`` is not given.
TCP_TOKEN_ENV = "LEAF_LSP_TCP_TOKEN"
UTF8_BOM = b"\xef\xbb\xbf"

_CHECK_ONLY_FLAGS = (
    "fix",
    "diff",
    "unsafe_fixes",
    "exit_zero",
    "show_hints",
    "statistics",
    "probe",
    "verbose",
    "probe_all",
    "no_cache",
)


class UsageError(Exception):
    """Bad command-line arguments: reported on stderr with exit code 2."""


@dataclass
class RunState:
    """What the check run accumulates besides the reports."""

    internal_errors: int = 0
    would_fix: int = 0
    diffs: list[str] = field(default_factory=list)
    resolvers: ProjectResolvers = field(default_factory=lambda: ProjectResolvers())
    #: In a pool worker, messages are collected here and printed by the parent (a worker's
    #: sys.stderr may not be the parent's, e.g. under a capturing test runner).
    held: list[str] | None = None
    #: With `--fix -`: the fixed text, printed instead of written back.
    fixed_stdin: bytes | None = None
    #: The result caches by folder (see :mod:`leaf_lsp.cache`).
    caches: dict[Path, Any] = field(default_factory=dict)
    _cache_of: dict[tuple[int, object], tuple[object, Any]] = field(default_factory=dict)

    def cache_for(self, config: FileConfig, path: Path) -> Any:
        """The result cache for ``path`` (``cache-dir``, else ``.leaf_lsp_cache`` at its project root)."""

        def make() -> Any:
            from .cache import ResultCache, cache_folder

            folder = cache_folder(config.cache_dir, config.root or self.resolvers.project_root(path))
            cache = self.caches.get(folder)
            if cache is None:
                cache = self.caches[folder] = ResultCache(folder)
            return cache

        return _once_per(self._cache_of, config, str(path.parent), make)

    def say(self, message: str) -> None:
        """Print ``message`` on stderr, or hold it for the parent process."""
        if self.held is not None:
            self.held.append(message)
        else:
            print(message, file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="leaf-lsp",
        description="Autograd-aware linter and language server for PyTorch. "
        "Without arguments, serves the Language Server Protocol over stdio.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check (default: .)")
    parser.add_argument("--check", action="store_true", help="check PATHs and report (the linter mode)")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    serve = parser.add_argument_group("language server")
    serve.add_argument("--stdio", action="store_true", help="serve LSP over stdio (the default)")
    serve.add_argument(
        "--tcp", metavar="HOST:PORT", help="serve LSP over TCP to one client (loopback addresses only)"
    )
    serve.add_argument(
        "--tcp-token",
        metavar="TOKEN",
        help=f"with --tcp: the secret a client must send as initializationOptions.tcpToken before "
        f"the probe runs anything (default: ${TCP_TOKEN_ENV}; without a token nothing is ever run)",
    )
    serve.add_argument(
        "--tcp-allow-remote",
        action="store_true",
        help="with --tcp: allow a HOST that is not a loopback address (anyone reaching it can connect)",
    )
    check = parser.add_argument_group("check")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    check.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to enable")
    check.add_argument(
        "--extend-select", metavar="CODES", help="codes or prefixes to enable on top of select"
    )
    check.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to disable")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply (or show as fixable) unsafe fixes"
    )
    check.add_argument("--diff", action="store_true", help="print the diff --fix would make; change nothing")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when diagnostics are found")
    check.add_argument("--show-hints", action="store_true", help="text format: also list each tensor's facts")
    check.add_argument("--statistics", action="store_true", help="text format: count diagnostics per code")
    check.add_argument("--config", metavar="PATH", help="use this pyproject.toml for every file")
    check.add_argument(
        "--stdin-filename", metavar="PATH", help="with PATH `-`: the file name for reports and configuration"
    )
    check.add_argument(
        "--verbose", action="store_true", help="also list statements the engine failed on (internal errors)"
    )
    check.add_argument(
        "--jobs", metavar="N", type=int, default=None, help="processes to check with (default: one per core)"
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every file afresh and keep nothing (default: results are kept in .leaf_lsp_cache, "
        "or [tool.leaf-lsp] cache-dir, and reused while the file, its settings and imports are unchanged)",
    )
    probe = parser.add_argument_group("run-time probe")
    probe.add_argument(
        "--probe",
        action="store_true",
        help="run each FILE named on the command line under the torch probe and merge (this runs "
        "their code; a folder is a usage error unless --probe-all)",
    )
    probe.add_argument(
        "--probe-all",
        action="store_true",
        help="like --probe, and also run every .py file found in folders (setup.py, conftest.py... too)",
    )
    probe.add_argument("--probe-interpreter", metavar="PYTHON", help="interpreter for the probe")
    probe.add_argument(
        "--probe-timeout",
        metavar="SECONDS",
        type=_probe_timeout,
        default=DEFAULT_TIMEOUT_S,
        help=f"per file, more than 0 and at most {MAX_TIMEOUT_S:g} (default {DEFAULT_TIMEOUT_S:g})",
    )
    probe.add_argument(
        "--graph", metavar="NAME=OUT", help="with --probe: write the autograd graph of NAME to OUT"
    )
    return parser


def _probe_timeout(value: str) -> float:
    """argparse type of ``--probe-timeout``: a positive, finite number of seconds within the limit."""
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    problem = timeout_problem(seconds)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return seconds


def split_codes(value: str | None) -> tuple[str, ...] | None:
    """``"LEAF1, LEAF201"`` -> ``("LEAF1", "LEAF201")``; None stays None."""
    if value is None:
        return None
    return tuple(part.strip().upper() for part in value.split(",") if part.strip())


def rule_selectors(flag: str, value: str | None) -> tuple[str, ...] | None:
    """The codes of ``--select``-like ``value``, validated as ruff does; raises UsageError.

    ``ALL`` means every rule; any other entry must be a rule code or the prefix of one
    (``LEAF``, ``LEAF1``, ``LEAF102``). An empty list is an error, not a silent no-op.
    """
    codes = split_codes(value)
    if codes is None:
        return None
    if not codes:
        raise UsageError(f"{flag} expects a comma-separated list of rule codes, got {value!r}")
    from .rules.base import iter_codes

    known = ("LEAF000", *iter_codes())
    for code in codes:
        if code != "ALL" and not any(k.startswith(code) for k in known):
            raise UsageError(f"{flag}: unknown rule selector {code!r} (see `docs/rules.md`)")
    return codes


def parse_tcp(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) -> (host, port); raises UsageError."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not host:
        raise UsageError(f"--tcp expects HOST:PORT, got {value!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        port = int(port_text)
    except ValueError:
        raise UsageError(f"--tcp: port must be a number, got {port_text!r}") from None
    if not 0 < port < 65536:
        raise UsageError(f"--tcp: port must be between 1 and 65535, got {port}")
    return host, port


def parse_graph(value: str) -> tuple[str, Path]:
    """``NAME=out.svg`` -> (name, path); raises UsageError."""
    name, sep, out = value.partition("=")
    if not sep or not name.strip() or not out.strip():
        raise UsageError(f"--graph expects NAME=OUT, got {value!r}")
    return name.strip(), Path(out.strip())


def run() -> NoReturn:
    """The ``leaf-lsp`` console script: :func:`main`, then exit at once.

    Tearing down the interpreter frees every object one by one: after a check that followed
    a package's imports that takes longer than analysing one file (over a second for a
    1,500-line modeling file). Output is flushed and ``atexit`` hooks run (worker pools,
    logging) first; nothing else is left to do.
    """
    code = main(exit_follows=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    atexit._run_exitfuncs()
    os._exit(code)


def main(argv: Sequence[str] | None = None, exit_follows: bool = False) -> int:
    """The command line: parse ``argv`` (default ``sys.argv``), run, return the exit code
    (``exit_follows``: the process exits right after, so nothing need be left as it was)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as stop:  # argparse reports usage errors (2) and --help (0) this way
        return int(stop.code) if isinstance(stop.code, int) else EXIT_ERROR
    try:
        return _dispatch(args, exit_follows)
    except UsageError as error:
        print(f"leaf-lsp: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `leaf-lsp --check | head`: the reader left; stop quietly, as other CLI tools do.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_FOUND


def _dispatch(args: argparse.Namespace, exit_follows: bool = False) -> int:
    if args.version:
        print(f"leaf-lsp {__version__}")
        return EXIT_OK
    check_mode = args.check or bool(args.paths) or args.fix or args.diff
    if check_mode:
        if args.stdio or args.tcp:
            raise UsageError("--stdio/--tcp serve the language server and cannot be combined with --check")
        with _collecting_between_files(exit_follows):
            return run_check(args)
    used = [f"--{flag.replace('_', '-')}" for flag in _CHECK_ONLY_FLAGS if getattr(args, flag)]
    used += [
        f"--{flag.replace('_', '-')}"
        for flag in ("select", "ignore", "extend_select", "config", "graph", "jobs", "stdin_filename")
        if getattr(args, flag) is not None
    ]
    if args.format != "text":
        used.append("--format")
    if used:
        raise UsageError(f"{', '.join(used)} only apply with --check")
    if args.stdio and args.tcp:
        raise UsageError("choose one of --stdio and --tcp")
    if not args.tcp and (args.tcp_token is not None or args.tcp_allow_remote):
        raise UsageError("--tcp-token and --tcp-allow-remote only apply with --tcp")
    if args.tcp_token is not None and not args.tcp_token:
        raise UsageError("--tcp-token must not be empty")
    if not args.tcp:
        return _serve(None)
    return _serve(
        parse_tcp(args.tcp), args.tcp_token or os.environ.get(TCP_TOKEN_ENV) or None, args.tcp_allow_remote
    )


def _serve(tcp: tuple[str, int] | None, token: str | None = None, allow_remote: bool = False) -> int:
    try:
        server = importlib.import_module("leaf_lsp.lsp.server")
    except ImportError as error:
        print(f"leaf-lsp: the language server is not available ({error})", file=sys.stderr)
        return EXIT_ERROR
    if tcp is None:
        server.serve(tcp=None)
        return EXIT_OK
    from .lsp.tcp import TcpError

    try:
        server.serve(tcp=tcp, token=token, allow_remote=allow_remote)
    except TcpError as error:
        print(f"leaf-lsp: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


# --- check ----------------------------------------------------------------------------


def _load_probe() -> Any:
    try:
        return importlib.import_module("leaf_lsp.probe")
    except ImportError as error:
        raise UsageError(
            f"--probe needs the leaf_lsp.probe module, which is not available ({error})"
        ) from None


def run_check(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """The ``--check`` mode: discover, analyse (and fix), report; returns the exit code."""
    stdout = out or sys.stdout
    _tolerate_any_character(stdout)
    args.no_cache = getattr(args, "no_cache", False) or _cache_disabled_by_environment()
    graph = parse_graph(args.graph) if args.graph else None
    probe = _probe_for(args, graph)
    resolver = _config_resolver(args)
    targets, stdin = _targets(args, resolver, probe)
    _print_warnings(resolver)

    state = RunState()
    work = [(target, resolver.for_file(target.path)) for target in targets]
    _print_warnings(resolver)
    use_cache = not args.no_cache and stdin is None and not (args.fix or args.diff)
    analysed = True
    try:
        if stdin is not None:
            checked = [(targets[0], _check_one(targets[0], work[0][1], args, state, stdin=stdin))]
        else:
            # Kept results are read here: only the files that need analysing go to workers.
            kept = _kept_reports(work, args, state) if use_cache else {}
            todo = [item for index, item in enumerate(work) if index not in kept]
            analysed = bool(todo)
            jobs = _job_count(args.jobs, todo)
            if jobs > 1 and not (args.fix or args.diff):
                fresh = iter(_check_parallel(todo, args, state, jobs))
            else:
                fresh = iter([(target, _check_one(target, config, args, state)) for target, config in todo])
            checked = [
                (target, kept[index]) if index in kept else next(fresh)
                for index, (target, _config) in enumerate(work)
            ]
    except _EngineUnavailable as error:
        print(f"leaf-lsp: internal error: cannot load the analysis engine ({error})", file=sys.stderr)
        return EXIT_ERROR
    if use_cache and analysed:
        # A run that analysed nothing wrote nothing: the caches are as bounded as before.
        _prune_caches(work, state)
    reports = _probed_reports(checked, probe, args, graph, state)
    _print_warnings(resolver)
    _print_internal_errors(reports, args.verbose)

    if args.diff:
        return _finish_diff(args, state, stdout)
    if stdin is not None and args.fix:
        # `--fix -` is a filter (as in ruff): the fixed text goes to stdout, the report to stderr.
        sys.stdout.flush()
        sys.stdout.buffer.write(state.fixed_stdin if state.fixed_stdin is not None else stdin)
        sys.stdout.buffer.flush()
        stdout = sys.stderr
    options = ReportOptions(
        unsafe_fixes=args.unsafe_fixes,
        show_hints=args.show_hints,
        probe=probe is not None,
        statistics=args.statistics,
        fix_mode=args.fix,
    )
    stdout.write(render(args.format, reports, options))
    stdout.flush()
    if state.internal_errors:
        return EXIT_ERROR
    found = any(report.analysis.diagnostics for report in reports)
    return EXIT_FOUND if found and not args.exit_zero else EXIT_OK


def _cache_disabled_by_environment() -> bool:
    from .cache import disabled_by_environment

    return disabled_by_environment()


def _prune_caches(work: list[tuple[Target, FileConfig]], state: RunState) -> None:
    """Keep each result cache this run used within its bounds (workers wrote into them too)."""
    for target, config in work:
        state.cache_for(config, target.path)
    for cache in state.caches.values():
        cache.prune()


def _tolerate_any_character(stdout: TextIO) -> None:
    for stream in (stdout, sys.stderr):
        # Paths and messages may hold any character; a narrow console encoding must not crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass


def _probe_for(args: argparse.Namespace, graph: tuple[str, Path] | None) -> Any:
    """The probe module when the run probes, after checking it may run what was named."""
    args.probe = args.probe or args.probe_all
    probe = _load_probe() if (args.probe or graph) else None
    if probe is not None and not args.probe_all:
        # The probe runs code: only files the user named, never whatever a folder holds
        # (setup.py, conftest.py...), unless asked for with --probe-all.
        folders = [p for p in (args.paths or ["."]) if p != "-" and Path(p).is_dir()]
        if folders:
            raise UsageError(
                f"--probe runs each file's code, so name the files to run ({folders[0]} is a folder); "
                "--probe-all runs every .py file found in folders"
            )
    return probe


def _config_resolver(args: argparse.Namespace) -> ConfigResolver:
    explicit_config: Path | None = None
    if args.config:
        explicit_config = Path(args.config)
        if not explicit_config.is_file():
            raise UsageError(f"--config: no such file: {args.config}")
    overrides = Overrides(
        select=rule_selectors("--select", args.select),
        ignore=rule_selectors("--ignore", args.ignore),
        extend_select=rule_selectors("--extend-select", args.extend_select) or (),
    )
    return ConfigResolver(overrides=overrides, explicit=explicit_config)


def _targets(
    args: argparse.Namespace, resolver: ConfigResolver, probe: Any
) -> tuple[list[Target], bytes | None]:
    """The files to check, and the text read from stdin when PATH is ``-``."""

    def excluded(path: Path) -> bool:
        config = resolver.for_file(path)
        relative = config.relative(path, resolver.real.of(path))
        return config.settings.is_excluded(relative) or (
            _is_dir(path) and config.settings.is_excluded(relative + "/")
        )

    if "-" not in args.paths:
        try:
            return list(iter_targets(list(args.paths), excluded, resolver.real)), None
        except MissingPathError as missing:
            raise UsageError(f"no such file or directory: {missing}") from None
    if len(args.paths) > 1:
        raise UsageError("`-` (read from stdin) must be the only PATH")
    if probe is not None:
        raise UsageError("--probe runs files, so it cannot read from stdin")
    stdin = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    name = args.stdin_filename or "-"
    # The stdin file's configuration is looked up from the name it will be saved as.
    path = Path(args.stdin_filename) if args.stdin_filename else Path.cwd() / "-"
    return [Target(path, name, True)], stdin


def _probed_reports(
    checked: list[tuple[Target, FileReport | None]],
    probe: Any,
    args: argparse.Namespace,
    graph: tuple[str, Path] | None,
    state: RunState,
) -> list[FileReport]:
    """The reports of the files checked, with the probe's findings merged when it runs."""
    reports: list[FileReport] = []
    to_probe: list[tuple[Target, FileReport]] = []
    for target, report in checked:
        if report is None:
            continue
        reports.append(report)
        if probe is not None and not report.analysis.syntax_error and not _is_unreadable(report.analysis):
            to_probe.append((target, report))
    if len(to_probe) > 1:
        _start_warm_probe(probe, args.probe_interpreter)
    for target, report in to_probe:
        program = report.cells.program.text if report.cells is not None else None
        report.analysis = _run_probe(probe, target, report.analysis, args, graph, state, program)
    return reports


def _finish_diff(args: argparse.Namespace, state: RunState, stdout: TextIO) -> int:
    stdout.write("".join(state.diffs))
    if state.would_fix:
        noun = "diagnostic" if state.would_fix == 1 else "diagnostics"
        print(f"Would fix {state.would_fix} {noun}.", file=sys.stderr)
    else:
        print("No diagnostics would be fixed.", file=sys.stderr)
    if state.internal_errors:
        return EXIT_ERROR
    return EXIT_FOUND if state.diffs and not args.exit_zero else EXIT_OK


def _print_internal_errors(reports: list[FileReport], verbose: bool) -> None:
    """Statements the engine failed on: counted always, listed with ``--verbose``."""
    errors = [error for report in reports for error in report.analysis.internal_errors]
    if not errors:
        return
    if verbose:
        for error in errors:
            print(f"leaf-lsp: internal error: {error.describe()}", file=sys.stderr)
    else:
        print(
            f"leaf-lsp: {len(errors)} statement{'s' if len(errors) != 1 else ''} could not be analysed "
            "(internal errors; their facts are missing); --verbose lists them",
            file=sys.stderr,
        )


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _print_warnings(resolver: ConfigResolver) -> None:
    for warning in resolver.warnings:
        print(f"leaf-lsp: warning: {warning}", file=sys.stderr)
    resolver.warnings.clear()


class _EngineUnavailable(Exception):
    """The engine module itself failed to import: nothing can be checked."""


class ProjectResolvers:
    """One cross-file resolver (``leaf_lsp.project.JediResolver``) per project root, if available.

    Optional: without that module, or if it fails, files are analysed on their own, which only
    costs precision on names imported from the user's other modules.
    """

    def __init__(self) -> None:
        self._by_root: dict[Path, Any] = {}
        self._checks: dict[tuple[int, int], Callable[[tuple[str, int, str, str]], bool]] = {}
        self._roots: dict[Path, Path] = {}
        #: What project_root found per folder (a leaf_lsp.project.RootMemo).
        self._root_memo: Any = _new_root_memo()
        self._settings: dict[tuple[int, object], tuple[object, Settings]] = {}
        self._quiet: dict[tuple[int, object], tuple[object, Settings]] = {}
        #: Real path -> digest of the bytes, of the files read this run (see dependency_check).
        self.digests: dict[str, str | None] = {}

    def project_root(self, path: Path) -> Path:
        """The project root of ``path`` (see ``leaf_lsp.project.project_root``), once per folder."""
        root = self._roots.get(path.parent)
        if root is None:
            root = self._roots[path.parent] = _project_root(path, self._root_memo)
        return root

    def settings(self, config: FileConfig, path: Path) -> Settings:
        """``config.settings`` with the resolver for the project of ``path``.

        The project root is the configuration's folder, else found from the file's own
        location (never the current folder: the answer must not depend on where the
        command runs).
        """
        root = config.root or self.project_root(path)

        def make() -> Settings:
            if root not in self._by_root:
                self._by_root[root] = self._create(root)
            resolver = self._by_root[root]
            return (
                config.settings
                if resolver is None
                else dataclasses.replace(config.settings, resolver=resolver)
            )

        return _once_per(self._settings, config, root, make)

    def without_hints(self, settings: Settings) -> Settings:
        """``settings`` without the bookkeeping of hints (one copy per settings)."""
        return _once_per(self._quiet, settings, None, lambda: dataclasses.replace(settings, hints=False))

    def still_valid(self, settings: Settings, cache: Any) -> Callable[[tuple[str, int, str, str]], bool]:
        """Whether a dependency of a kept result still resolves, with ``settings``' resolver, to
        a text of the same hash, or to the same code as the text ``cache`` kept of that hash
        (answered once per run: files do not change under a run)."""
        resolver = settings.resolver
        key = (id(resolver), id(cache))
        check = self._checks.get(key)
        if check is None:
            from .cache import dependency_check

            check = self._checks[key] = dependency_check(resolver, cache, self.digests)
        return check

    @staticmethod
    def _create(root: Path) -> Any:
        try:
            project = importlib.import_module("leaf_lsp.project")
            factory = getattr(project, "JediResolver", None)
            return factory(root) if factory is not None else None
        except Exception:  # noqa: BLE001 - see the class docstring
            return None


def _once_per(
    table: dict[tuple[int, object], tuple[object, _T]], owner: object, key: object, make: Callable[[], _T]
) -> _T:
    """``make()``, once per ``owner`` (by identity: configurations and settings are compared
    field by field otherwise) and ``key``. The owner is kept with the answer, so that its id
    stays its own."""
    known = table.get((id(owner), key))
    if known is not None and known[0] is owner:
        return known[1]
    made = make()
    table[(id(owner), key)] = (owner, made)
    return made


def _new_root_memo() -> Any:
    try:
        return importlib.import_module("leaf_lsp.project").RootMemo()
    except Exception:  # noqa: BLE001 - see ProjectResolvers: then roots are found each time
        return None


def _project_root(path: Path, memo: Any) -> Path:
    try:
        project = importlib.import_module("leaf_lsp.project")
        root: Path = project.project_root(path, memo)
        return root
    except Exception:  # noqa: BLE001 - see ProjectResolvers: only precision is at stake
        return _absolute(path).parent


def _analyze(source: str, path: str, settings: Settings) -> Analysis:
    try:
        analysis = analyze(source, path, settings)
    except ImportError as error:
        raise _EngineUnavailable(str(error)) from error
    # Hover facts (one per tensor expression) are for editors: no report shows them, and
    # holding (or sending from a worker) thousands per file only costs.
    analysis.expr_facts = []
    return analysis


def _analyze_kept(
    text: str,
    source: bytes,
    engine_path: str,
    settings: Settings,
    config: FileConfig,
    target: Target,
    state: RunState,
) -> Analysis:
    """The analysis of ``text`` (decoded from the file's bytes ``source``) from the result
    cache while still valid, else analysed now and kept."""
    cache = state.cache_for(config, target.path)
    digest = bytes_hash(source)
    kept: Analysis | None = cache.get(
        engine_path, digest, settings, state.resolvers.still_valid(settings, cache)
    )
    if kept is not None:
        return kept
    analysis = _analyze(text, engine_path, settings)
    cache.put(engine_path, digest, settings, analysis)
    return analysis


def _settings_for(config: FileConfig, target: Target, args: argparse.Namespace, state: RunState) -> Settings:
    settings = state.resolvers.settings(config, target.path)
    if args.format in ("text", "github", "sarif") and not args.show_hints and not args.probe:
        # No report shows hints: skip the bookkeeping of them (the diagnostics are the same).
        settings = state.resolvers.without_hints(settings)
    return settings


def _kept_reports(
    work: list[tuple[Target, FileConfig]], args: argparse.Namespace, state: RunState
) -> dict[int, FileReport]:
    """The reports of the files whose kept results are still valid, by position in ``work``."""
    kept: dict[int, FileReport] = {}
    # All digests first: the files checked are what the others import, and their digests
    # are what the dependency checks compare.
    digests: dict[int, str] = {}
    for index, (target, _config) in enumerate(work):
        if target.problem is not None:
            continue
        # Not decoded: an entry is keyed by the bytes, and bytes that were kept decoded then.
        source, problem = read_file_bytes(target.path)
        if problem is not None or source is None:
            continue
        digests[index] = state.resolvers.digests[str(_real_path(target))] = bytes_hash(source)
    for index, digest in digests.items():
        target, config = work[index]
        settings = _settings_for(config, target, args, state)
        cache = state.cache_for(config, target.path)
        path, still_valid = str(_real_path(target)), state.resolvers.still_valid(settings, cache)
        if args.format == "json" and not args.probe and settings.hints:
            # The hints go into the report as they were written, not decoded one by one.
            rendered = cache.get_rendered(path, digest, settings, still_valid)
            if rendered is not None:
                kept[index] = FileReport(target.display, rendered[0], hints_json=rendered[1])
            continue
        found = cache.get(path, digest, settings, still_valid)
        if found is not None:
            kept[index] = FileReport(target.display, found)
    return kept


def _check_one(
    target: Target,
    config: FileConfig,
    args: argparse.Namespace,
    state: RunState,
    stdin: bytes | None = None,
) -> FileReport | None:
    """Analyse (and fix) one file; ``stdin`` holds the text when the file is read from stdin."""
    _collect_between_files()
    if target.problem is not None:
        return FileReport(target.display, unreadable(str(_real_path(target)), target.problem))
    source, problem = read_file_bytes(target.path) if stdin is None else (stdin, None)
    text, bom, problem = (
        decode_source(source) if problem is None and source is not None else (None, False, problem)
    )
    # The engine gets the absolute path, as from the editor, so both report the same
    # diagnostics (per-file-ignores match it by trailing parts); output uses the display path.
    engine_path = str(_real_path(target))
    settings = _settings_for(config, target, args, state)
    if problem is not None:
        return FileReport(target.display, unreadable(engine_path, problem))
    assert text is not None
    try:
        if is_notebook_path(target.path.name):
            return _check_notebook(target, text, engine_path, settings, args, state, stdin)
        if args.fix or args.diff:
            new_text, applied, analysis = fix_all(
                text,
                engine_path,
                settings,
                unsafe=args.unsafe_fixes,
                analyzer=lambda s, p, _settings: _analyze(s, p, settings),
            )
            if new_text != text and parses(new_text):
                if args.diff:
                    state.diffs.append(_unified_diff(target.display, text, new_text))
                    state.would_fix += applied
                    return FileReport(target.display, analysis, fixed=applied)
                if stdin is not None:
                    state.fixed_stdin = reencode(stdin, new_text)
                else:
                    try:
                        _write_source(target.path, new_text, text)
                    except NotWritten as refused:
                        # Left as it is on purpose: reported unfixed, so its diagnostics count.
                        state.say(f"leaf-lsp: {target.display}: {refused}")
                        return FileReport(target.display, _analyze(text, engine_path, settings))
                    except OSError as error:
                        # Report the file as it still is; the run fails (exit 2) but goes on.
                        state.internal_errors += 1
                        state.say(f"leaf-lsp: cannot write {target.display}: {error.strerror or error}")
                        return FileReport(target.display, _analyze(text, engine_path, settings))
                return FileReport(target.display, analysis, fixed=applied)
            if new_text != text:
                analysis = _analyze(text, engine_path, settings)
            return FileReport(target.display, analysis)
        if args.no_cache or stdin is not None:
            return FileReport(target.display, _analyze(text, engine_path, settings))
        assert source is not None
        return FileReport(
            target.display, _analyze_kept(text, source, engine_path, settings, config, target, state)
        )
    except _EngineUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - one file's failure must not stop the run
        state.internal_errors += 1
        state.say(f"leaf-lsp: internal error while checking {target.display}: {error!r}")
        return None


@contextlib.contextmanager
def _collecting_between_files(exit_follows: bool = False) -> Iterator[None]:
    """Automatic garbage collection off for a check: it is done between files instead (see
    :func:`_check_one`), never after the last one (a full collection of a package's
    interpreted modules takes longer than checking a file).

    Left off when the process exits next (``exit_follows``): the first allocation after
    turning it on would collect everything the run allocated since the last collection."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting and not exit_follows:
            gc.enable()


def _collect_between_files() -> None:
    try:
        from .engine import collect_if_due
    except ImportError:
        return
    collect_if_due()


def _check_notebook(
    target: Target,
    text: str,
    engine_path: str,
    settings: Settings,
    args: argparse.Namespace,
    state: RunState,
    stdin: bytes | None,
) -> FileReport:
    """``_check_one`` for a ``.ipynb`` file: its code cells as one program, fixes inside cells."""
    from .notebook import notebook_file
    from .notebook_check import CellMap, analyze_notebook, cell_diff, fix_notebook, invalid_notebook

    notebook = notebook_file(text)
    if isinstance(notebook, str):
        return FileReport(target.display, invalid_notebook(engine_path, notebook))

    def run(source: str, path: str, _settings: Settings | None) -> Analysis:
        return _analyze(source, path, settings)

    def report_of(result: Any, fixed: int = 0) -> FileReport:
        return FileReport(
            target.display, result.analysis, fixed=fixed, cells=CellMap(result.program, notebook)
        )

    if not (args.fix or args.diff):
        return report_of(analyze_notebook(notebook, engine_path, settings, run))
    new, applied, result = fix_notebook(notebook, engine_path, settings, run, unsafe=args.unsafe_fixes)
    if new.text == text:
        return report_of(result)
    fixed = FileReport(target.display, result.analysis, fixed=applied, cells=CellMap(result.program, new))
    if args.diff:
        state.diffs.append(cell_diff(target.display, notebook, new))
        state.would_fix += applied
        return fixed
    if stdin is not None:
        state.fixed_stdin = reencode(stdin, new.text)
        return fixed
    try:
        _write_source(target.path, new.text, text)
    except NotWritten as refused:
        state.say(f"leaf-lsp: {target.display}: {refused}")
        return report_of(analyze_notebook(notebook, engine_path, settings, run))
    except OSError as error:
        state.internal_errors += 1
        state.say(f"leaf-lsp: cannot write {target.display}: {error.strerror or error}")
        return report_of(analyze_notebook(notebook, engine_path, settings, run))
    return fixed


#: Below this much source a process pool costs more than it saves (the engine checks a
#: typical 1,500-line file in tens of milliseconds; forking and pickling cost about as much).
PARALLEL_MIN_FILES = 16
#: Files a forking parallel check analyses before it forks (see ``_check_parallel``).
PREWARM_FILES = 16
PARALLEL_MIN_BYTES = 2 * 1024 * 1024


def _job_count(requested: int | None, work: list[tuple[Target, FileConfig]]) -> int:
    if requested is not None:
        # More workers than files, or than twice the cores, only cost memory (and a huge
        # request would fork until the machine runs out of it).
        return max(1, min(requested, len(work), 2 * (os.cpu_count() or 1)))
    if len(work) < PARALLEL_MIN_FILES:
        return 1
    total = 0
    for target, _config in work:
        try:
            total += target.path.stat().st_size
        except OSError:
            pass
    if total < PARALLEL_MIN_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(work) // 4))


_WORKER_STATE: RunState | None = None


def _worker_check(
    item: tuple[Target, FileConfig, argparse.Namespace],
) -> tuple[FileReport | None, int, list[str], str | None]:
    """Check one file in a pool worker: (report, internal errors, messages, engine import failure)."""
    global _WORKER_STATE
    if _WORKER_STATE is None:
        # One state per worker process, so its project resolvers are built once, not per file.
        _WORKER_STATE = RunState()
    target, config, args = item
    before = _WORKER_STATE.internal_errors
    _WORKER_STATE.held = []
    try:
        report = _check_one(target, config, args, _WORKER_STATE)
    except _EngineUnavailable as error:
        return None, 0, [], str(error)
    return report, _WORKER_STATE.internal_errors - before, _WORKER_STATE.held, None


def _check_parallel(
    work: list[tuple[Target, FileConfig]], args: argparse.Namespace, state: RunState, jobs: int
) -> list[tuple[Target, FileReport | None]]:
    # Imported here: most runs are small and never pay for a pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    # fork starts fastest and nothing here has started threads or imported torch; elsewhere
    # (macOS, Windows) the platform default is used.
    forking = "fork" in methods and sys.platform == "linux"
    context = multiprocessing.get_context("fork" if forking else None)
    done: list[tuple[Target, FileReport | None]] = []
    if forking:
        # The first files are checked here: the user modules they import are then interpreted
        # once, before the fork, for every worker (most files of a package import the same
        # ones); frozen, so that the workers' collections leave those pages shared.
        head = min(len(work) // (jobs * 8), PREWARM_FILES)
        done = [(target, _check_one(target, config, args, state)) for target, config in work[:head]]
        work = work[head:]
        gc.freeze()
    out: list[tuple[Target, FileReport | None]] = []
    items = [(target, config, args) for target, config in work]
    chunk = max(1, len(items) // (jobs * 8))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for (target, _config), (report, errors, messages, unavailable) in zip(
                work, pool.map(_worker_check, items, chunksize=chunk), strict=True
            ):
                if unavailable is not None:
                    raise _EngineUnavailable(unavailable)
                state.internal_errors += errors
                for message in messages:
                    state.say(message)
                out.append((target, report))
    except (OSError, BrokenProcessPool) as error:
        # No pool on this system (or a worker died): fall back to one process.
        print(f"leaf-lsp: warning: parallel check unavailable ({error}); checking serially", file=sys.stderr)
        return done + [(target, _check_one(target, config, args, state)) for target, config in work]
    finally:
        if forking:
            gc.unfreeze()  # this process collects as before
    return done + out


def read_source(path: Path) -> tuple[str | None, bool, str | None]:
    """Read and decode a file: (text, had_bom, problem). ``problem`` says why it cannot be checked."""
    data, problem = read_file_bytes(path)
    if data is None:
        return None, False, problem
    return decode_source(data)


def read_file_bytes(path: Path) -> tuple[bytes | None, str | None]:
    """A file's bytes, or None and why it cannot be checked (not a regular file, too large)."""
    try:
        if not path.is_file():
            return None, "not a regular file"
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, f"file too large ({size} bytes, limit {MAX_FILE_BYTES}); skipped"
        return path.read_bytes(), None
    except OSError as error:
        return None, f"cannot read file: {error.strerror or error}"


def decode_source(data: bytes) -> tuple[str | None, bool, str | None]:
    """Decode file bytes as Python does (BOM, coding cookie, else UTF-8): (text, had_bom, problem)."""
    if len(data) > MAX_FILE_BYTES:
        return None, False, f"file too large ({len(data)} bytes, limit {MAX_FILE_BYTES}); skipped"
    wide = _wide_encoding(data)
    if wide is not None:
        return None, False, f"file is {wide}, which is not supported (save it as UTF-8); skipped"
    if b"\x00" in data:
        return None, False, "binary file (contains NUL bytes); skipped"
    decoded = decode_file(data)
    if isinstance(decoded, str):
        return None, False, decoded
    return decoded.text, decoded.bom, None


def _wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` / ``"UTF-32"`` when the bytes are text in one of those encodings, else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    # Without a byte-order mark: ASCII text in UTF-16 has a NUL in every other byte.
    head = data[:512]
    if len(head) >= 8 and len(head) % 2 == 0:
        for nuls, chars in ((head[1::2], head[0::2]), (head[0::2], head[1::2])):
            if not nuls.strip(b"\x00") and b"\x00" not in chars:
                return "UTF-16"
    return None


def unreadable(path: str, message: str) -> Analysis:
    """An analysis holding the single LEAF000 ``unreadable-file`` entry for ``path``."""
    diagnostic = Diagnostic("LEAF000", "unreadable-file", "error", message, Span(1, 0, 1, 0))
    return Analysis(path=path, diagnostics=[diagnostic])


def _is_unreadable(analysis: Analysis) -> bool:
    return any(d.name == "unreadable-file" for d in analysis.diagnostics)


def _write_source(path: Path, text: str, analysed: str) -> None:
    """Write the fixed ``text`` over ``path``, whose text was ``analysed`` (see writeback)."""
    write_back(path, analysed, text)


def _unified_diff(display: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        split_lines(before),
        split_lines(after),
        fromfile=f"a/{display}",
        tofile=f"b/{display}",
    )
    out = []
    for line in lines:
        # A line of a CR-only file ends with its own break, which is not a missing newline.
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _start_warm_probe(probe: Any, interpreter: str | None) -> None:
    """Start the probe's shared worker, so torch is imported once for all files, not per file."""
    try:
        probe.shared_worker(interpreter).start()
    except Exception:  # noqa: BLE001 - without it each file simply runs in a fresh process
        pass


def _run_probe(
    probe: Any,
    target: Target,
    analysis: Analysis,
    args: argparse.Namespace,
    graph: tuple[str, Path] | None,
    state: RunState,
    program: str | None = None,
) -> Analysis:
    """Run one file under the probe; ``program``: a notebook's cells as one text, run instead."""
    try:
        if program is None:
            result = probe.run_file(
                # Absolute: a warm worker process need not share our working directory.
                str(_absolute(target.path)),
                interpreter=args.probe_interpreter,
                cwd=None,
                timeout=args.probe_timeout,
                graph=graph[0] if graph else None,
            )
        else:
            from .notebook_check import program_file

            # The cells run in order in one process, from the notebook's folder, as Jupyter does.
            with program_file(program) as path:
                result = probe.run_file(
                    path,
                    interpreter=args.probe_interpreter,
                    cwd=str(_absolute(target.path).parent),
                    timeout=args.probe_timeout,
                    graph=graph[0] if graph else None,
                )
        # The text that ran places hints for facts static analysis had none for.
        source = program if program is not None else read_source(_absolute(target.path))[0]
        merged: Analysis = probe.merge(analysis, result, source)
    except Exception as error:  # noqa: BLE001 - report the probe's failure, keep the static result
        state.internal_errors += 1
        print(f"leaf-lsp: probe failed on {target.display}: {error!r}", file=sys.stderr)
        return analysis
    incomplete = getattr(result, "error", None)
    if incomplete:
        # The user's program could not be run to the end (timeout, no torch...): the static
        # result stands, unverified; this is a fact about the program, not a leaf-lsp failure.
        print(f"leaf-lsp: warning: probe did not complete {target.display}: {incomplete}", file=sys.stderr)
    for note in getattr(result, "notes", None) or ():
        print(f"leaf-lsp: note: {target.display}: {note}", file=sys.stderr)
    if graph is not None:
        _write_graph(result, graph[0], graph[1], target.display)
    return merged


def _write_graph(result: Any, name: str, out: Path, display: str) -> None:
    svg = getattr(result, "graph_svg", None)
    dot = getattr(result, "graph_dot", None)
    try:
        if svg:
            out.write_text(svg, encoding="utf-8")
            print(f"leaf-lsp: wrote the graph of {name} ({display}) to {out}", file=sys.stderr)
        elif dot:
            target = out if out.suffix == ".dot" else out.with_suffix(".dot")
            target.write_text(dot, encoding="utf-8")
            print(
                f"leaf-lsp: Graphviz is not available; wrote the graph of {name} as DOT to {target}",
                file=sys.stderr,
            )
        else:
            why = getattr(result, "graph_error", None) or "no graph was recorded"
            print(f"leaf-lsp: warning: no graph of {name} for {display}: {why}", file=sys.stderr)
    except OSError as error:
        print(f"leaf-lsp: cannot write the graph to {out}: {error.strerror or error}", file=sys.stderr)


def _real_path(target: Target) -> Path:
    """The real path of ``target``: the engine's and the cache's name for it."""
    return target.real if target.real is not None else _absolute(target.path)


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
