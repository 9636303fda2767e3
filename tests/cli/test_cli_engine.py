"""End-to-end: the installed CLI with the real engine and rule registry (subprocesses).

These depend on the engine's inference; expectations come from /work/shared/corpus (the
run-time truth), not from whatever the engine prints today.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("LEAF_CORPUS", str(REPO / "tests" / "corpus_public")))

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")


def leaf_lsp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "leaf_lsp", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def check_json(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    proc = leaf_lsp("--check", "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    return proc.returncode, data


def found(data: dict[str, Any], index: int = 0) -> list[tuple[int, str]]:
    return [(d["line"], d["code"]) for d in data["files"][index]["diagnostics"]]


def copy_case(stem_prefix: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    (source,) = sorted(CORPUS.glob(f"{stem_prefix}_*.py"))
    expect = json.loads(source.with_suffix("").with_suffix(".expect.json").read_text())
    target = tmp_path / source.name
    shutil.copy(source, target)
    return target, expect


def test_inline_inplace_on_leaf(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import torch\nx = torch.tensor([1.0], requires_grad=True)\nx += 1\n")
    code, data = check_json("a.py", cwd=tmp_path)
    assert code == 1
    assert (3, "LEAF102") in found(data)


def test_noqa_through_the_real_engine(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import torch\nx = torch.tensor([1.0], requires_grad=True)\nx += 1  # noqa: LEAF102\n"
    )
    code, data = check_json("a.py", cwd=tmp_path)
    assert (3, "LEAF102") not in found(data)


def test_syntax_error_through_the_real_engine(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import torch\ndef f(:\n")
    code, data = check_json("a.py", cwd=tmp_path)
    assert code == 1
    assert [c for _, c in found(data)] == ["LEAF000"]
    assert data["files"][0]["diagnostics"][0]["name"] == "syntax-error"


@needs_corpus
@pytest.mark.parametrize("case", ["011", "034", "006", "021", "080", "104"])
def test_corpus_case_matches_truth(case: str, tmp_path: Path) -> None:
    path, expect = copy_case(case, tmp_path)
    code, data = check_json(path.name, cwd=tmp_path)
    expected = sorted((d["line"], d["code"]) for d in expect["diagnostics"])
    assert sorted(found(data)) == expected
    assert code == (1 if expected else 0)


@needs_corpus
def test_hints_carry_the_oracle_facts(tmp_path: Path) -> None:
    path, expect = copy_case("011", tmp_path)
    _, data = check_json(path.name, cwd=tmp_path)
    hints = {(h["line"], h["name"]): (h["is_leaf"], h["requires_grad"]) for h in data["files"][0]["hints"]}
    for fact in expect["oracle"]["facts"]:
        assert hints.get((fact["line"], fact["name"])) == (fact["is_leaf"], fact["requires_grad"])


@needs_corpus
def test_fix_repairs_a_safe_case_and_rechecks_clean(tmp_path: Path) -> None:
    path, expect = copy_case("021", tmp_path)  # LEAF105: `.detach()` is a safe fix
    before = path.read_text()
    diff = leaf_lsp("--check", "--diff", path.name, cwd=tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert path.read_text() == before
    assert ".detach()" in diff.stdout
    fixed = leaf_lsp("--check", "--fix", path.name, cwd=tmp_path)
    assert fixed.returncode in (0, 1), fixed.stderr
    after = path.read_text()
    assert after != before
    compile(after, path.name, "exec")
    _, data = check_json(path.name, cwd=tmp_path)
    assert "LEAF105" not in [c for _, c in found(data)]


@needs_corpus
def test_sarif_lists_every_registered_rule(tmp_path: Path) -> None:
    from leaf_lsp.rules.base import all_rules

    path, _ = copy_case("011", tmp_path)
    proc = leaf_lsp("--check", "--format", "sarif", path.name, cwd=tmp_path)
    sarif = json.loads(proc.stdout)
    rule_ids = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert set(rule_ids) >= {r.code for r in all_rules()}
    assert "LEAF102" in [r["ruleId"] for r in sarif["runs"][0]["results"]]


def test_rule_docs_page_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_rule_docs_page_covers_the_registry() -> None:
    from leaf_lsp.rules.base import all_rules

    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in all_rules():
        assert f'<a id="{rule.code.lower()}"></a>' in page
        assert f"`{rule.name}`" in page


NEW_CODES = """\
import torch
from torch import nn

model = nn.Linear(2, 2)
model.register_backward_hook(lambda module, grad_in, grad_out: None)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
model.extra = nn.Linear(2, 2)
scaler = torch.amp.GradScaler("cpu")
scaler.scale(model(torch.randn(3, 2)).sum()).backward()
torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
scaler.step(opt)
scaler.update()
model(torch.randn(3, 2)).backward()
"""


def test_select_and_ignore_prefixes_pick_the_codes_of_december_2026(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(NEW_CODES)
    _, everything = check_json("a.py", cwd=tmp_path)
    assert found(everything) == [(5, "LEAF303"), (7, "LEAF215"), (10, "LEAF216"), (13, "LEAF109")]
    _, data = check_json("--select", "LEAF21", "a.py", cwd=tmp_path)
    assert found(data) == [(7, "LEAF215"), (10, "LEAF216")]
    _, data = check_json("--select", "LEAF1,LEAF3", "--ignore", "LEAF303", "a.py", cwd=tmp_path)
    assert found(data) == [(13, "LEAF109")]
