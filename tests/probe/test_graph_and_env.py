"""Autograd graph export, interpreter/torch checks, devices and bad input."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from leaf_lsp.probe import ProbeResult, ProbeWorker, run_file
from leaf_lsp.probe.graph import dot_to_svg
from leaf_lsp.probe.runner import run_cold

PROGRAM = """import torch
w = torch.ones(3, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
h = (w * 2).exp()
loss = (h + b).sum()
loss.backward()
other = (w ** 2).sum()
"""


def test_graph_of_last_backward(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text(PROGRAM)
    result = worker.run(str(path), graph="")
    assert result.error is None and result.graph_error is None
    assert result.graph_target == "loss"
    dot = result.graph_dot or ""
    assert dot.startswith("digraph")
    for node in ("SumBackward0", "AddBackward0", "ExpBackward0", "MulBackward0"):
        assert node in dot
    # leaves are labelled with their variable names; ExpBackward saves its result (not yet freed)
    assert '"w\\n(3,) float32"' in dot and '"b\\n(3,) float32"' in dot
    assert "saved result" in dot and "freed" not in dot
    assert "PowBackward0" not in dot  # `other` never went through backward()


def test_graph_of_named_variable(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text(PROGRAM)
    result = worker.run(str(path), graph="other")
    assert result.graph_target == "other"
    assert "PowBackward0" in (result.graph_dot or "") and "ExpBackward0" not in (result.graph_dot or "")


def test_graph_names_the_parameters_of_a_model_built_in_a_function(
    worker: ProbeWorker, tmp_path: Path
) -> None:
    path = tmp_path / "local_model.py"
    path.write_text(
        "import torch\nimport torch.nn as nn\n\n"
        "def main():\n"
        "    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))\n"
        "    loss = model(torch.randn(2, 3)).sum()\n"
        "    loss.backward()\n\n"
        "main()\n"
    )
    dot = worker.run(str(path), graph="").graph_dot or ""
    for name in ("model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"):
        assert f'"{name}\\n' in dot, dot
    assert "(leaf)" not in dot


def test_graph_of_unknown_name_or_no_backward(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text("import torch\nx = torch.ones(2)\n")
    assert "no tensor named" in (worker.run(str(path), graph="nope").graph_error or "")
    assert "never called backward" in (worker.run(str(path), graph="").graph_error or "")
    leaf = worker.run(str(path), graph="x")
    assert leaf.graph_dot is not None and "leaf" in leaf.graph_dot
    assert worker.run(str(path)).graph_dot is None  # no graph unless asked


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_svg_when_graphviz_is_installed(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text(PROGRAM)
    result = worker.run(str(path), graph="")
    assert result.graph_svg is not None and "<svg" in result.graph_svg and "ExpBackward0" in result.graph_svg


def test_svg_is_none_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert dot_to_svg("digraph { a -> b }") is None


def no_torch_python(tmp_path: Path) -> str:
    """An interpreter that cannot import torch: this one with site-packages switched off."""
    script = tmp_path / "python-no-torch"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_missing_torch_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.py"
    path.write_text("x = 1\n")
    exe = no_torch_python(tmp_path)
    result = run_file(str(path), interpreter=exe, timeout=30)
    assert result.error is not None and "torch cannot be imported" in result.error
    with ProbeWorker(exe) as w:
        warm = w.run(str(path), timeout=30)
        assert warm.error is not None and "torch cannot be imported" in warm.error


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"interpreter": "/nonexistent/python"}, "not found"),
        ({"device": "tpu"}, "device must be one of"),
    ],
)
def test_bad_arguments_are_errors(tmp_path: Path, kwargs: dict[str, str], text: str) -> None:
    path = tmp_path / "p.py"
    path.write_text("x = 1\n")
    result = run_cold(str(path), **kwargs)  # type: ignore[arg-type]
    assert result.error is not None and text in result.error


def test_missing_file_and_syntax_error(worker: ProbeWorker, tmp_path: Path) -> None:
    assert "no such file" in (run_file(str(tmp_path / "absent.py")).error or "")
    bad = tmp_path / "bad.py"
    bad.write_text("def (:\n")
    result = worker.run(str(bad))
    assert result.error is not None and "SyntaxError" in result.error


def test_cwd_and_sys_path_are_the_workspace(worker: ProbeWorker, tmp_path: Path) -> None:
    """The workspace folder is the cwd and importable; the file's own folder is importable too."""
    (tmp_path / "helpers_ws.py").write_text(
        "import torch\ndef make():\n    return torch.ones(2, requires_grad=True)\n"
    )
    sub = tmp_path / "scripts"
    sub.mkdir()
    (sub / "local_mod.py").write_text("VALUE = 2.0\n")
    (tmp_path / "data.txt").write_text("3")
    path = sub / "train.py"
    path.write_text(
        "import os\nfrom helpers_ws import make\nfrom local_mod import VALUE\n"
        "scale = float(open('data.txt').read())\nw = make() * VALUE * scale\nprint(os.getcwd())\n"
    )
    for result in (worker.run(str(path), cwd=str(tmp_path)), run_cold(str(path), cwd=str(tmp_path))):
        assert result.error is None and result.exception is None, (result.error, result.exception)
        w = result.fact(5, "w")
        assert w is not None and (w.is_leaf, w.requires_grad) == (False, True)
        assert result.stdout_tail.strip() == os.path.realpath(tmp_path) or result.stdout_tail.strip() == str(
            tmp_path
        )


def test_cuda_hidden_by_default(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "c.py"
    path.write_text(
        "import os, torch\nprint(repr(os.environ.get('CUDA_VISIBLE_DEVICES')), torch.cuda.is_available())\n"
    )
    result = worker.run(str(path))
    assert result.stdout_tail.strip() == "'' False"
    assert result.device == "cpu"


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


@pytest.mark.gpu
@pytest.mark.skipif(not _cuda(), reason="needs a CUDA device (torch.cuda.is_available() is False)")
def test_cuda_device_allowed(tmp_path: Path) -> None:
    path = tmp_path / "c.py"
    path.write_text(
        "import torch\nw = torch.ones(3, requires_grad=True)\nwc = w.cuda()\np = torch.ones(3, device='cuda', requires_grad=True)\n"
    )
    result = run_cold(str(path), device="cuda", timeout=120)
    assert result.error is None, result.error
    assert result.device.startswith("cuda:0")
    wc, p = result.fact(3, "wc"), result.fact(4, "p")
    assert wc is not None and (wc.is_leaf, wc.requires_grad, wc.device) == (False, True, "cuda:0")
    assert p is not None and (p.is_leaf, p.device) == (True, "cuda:0")
    with ProbeWorker(device="auto") as w:
        warm = w.run(str(path), timeout=120)
        assert warm.error is None and warm.device.startswith("cuda:0")
        assert warm.fact(3, "wc") == wc


@pytest.mark.skipif(_cuda(), reason="checks the error when no CUDA device exists")
def test_cuda_requested_without_device_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.py"
    path.write_text("x = 1\n")
    result = run_cold(str(path), device="cuda", timeout=60)
    assert result.error is not None and "cuda" in result.error
    auto = run_cold(str(path), device="auto", timeout=60)
    assert auto.error is None and auto.device == "cpu"


def test_memory_cap_defaults() -> None:
    from leaf_lsp.probe.runner import DEFAULT_MEMORY_MB, memory_cap

    assert memory_cap(None, "cpu") == DEFAULT_MEMORY_MB
    assert memory_cap(None, "cuda") is None  # a CUDA context reserves far more address space
    assert memory_cap(2048, "auto") == 2048
    assert memory_cap(0, "cpu") is None


def test_child_imports_only_stdlib_and_torch() -> None:
    """child.py runs in the user's environment: it must not need leaf_lsp or any other package."""
    import ast

    from leaf_lsp.probe.runner import CHILD

    tree = ast.parse(Path(CHILD).read_text())
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in child.py"
            modules.add((node.module or "").split(".")[0])
    assert modules - set(sys.stdlib_module_names) - {"__future__"} == {"torch"}


def test_run_file_warm_starts_and_reuses_the_shared_worker(tmp_path: Path) -> None:
    from leaf_lsp.probe import close_shared_workers, shared_worker

    path = tmp_path / "p.py"
    path.write_text("import os, torch\nw = torch.ones(2, requires_grad=True)\nprint(os.getppid())\n")
    try:
        first = run_file(str(path), warm=True, timeout=120)
        second = run_file(str(path), warm=True, timeout=120)
        worker = shared_worker()
        assert worker.alive and worker._proc is not None
        assert first.error is None and second.error is None
        # both runs were forked from the same shared worker process
        assert first.stdout_tail.strip() == second.stdout_tail.strip() == str(worker._proc.pid)
        plain = run_file(str(path), timeout=120)  # without warm=, a started shared worker is used too
        assert plain.stdout_tail.strip() == str(worker._proc.pid)
    finally:
        close_shared_workers()


def test_concurrent_runs_on_one_worker_are_serialised(worker: ProbeWorker, tmp_path: Path) -> None:
    """Two threads using one worker both get their own, correct result."""
    import threading

    paths = []
    for i in range(2):
        p = tmp_path / f"c{i}.py"
        p.write_text(f"import torch\nx{i} = torch.ones({i + 1}, requires_grad=True) * 2\nprint({i})\n")
        paths.append(p)
    results: dict[int, object] = {}

    def go(i: int) -> None:
        results[i] = worker.run(str(paths[i]))

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for i in range(2):
        r = results[i]
        assert isinstance(r, ProbeResult) and r.error is None
        fact = r.fact(2, f"x{i}")
        assert fact is not None and fact.shape == (i + 1,) and fact.grad_fn == "MulBackward0"
        assert r.stdout_tail.strip() == str(i)


def test_graph_of_variable_rebound_after_backward(worker: ProbeWorker, tmp_path: Path) -> None:
    path = tmp_path / "g.py"
    path.write_text(
        "import torch\nw = torch.ones(2, requires_grad=True)\nloss = (w * 3).sum()\nloss.backward()\n"
        "loss = (w.exp()).sum()\n"
    )
    dot = worker.run(str(path), graph="loss").graph_dot or ""
    assert "ExpBackward0" in dot and "MulBackward0" not in dot  # the latest value, not the stale one
