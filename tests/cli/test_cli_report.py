"""Reporters on arbitrary diagnostics: every format renders anything and keeps its framing."""

from __future__ import annotations

import dataclasses
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from leaf_lsp.model import Analysis, Diagnostic, Edit, Fix, Hint, ReasonStep, Span
from leaf_lsp.report import (
    FileReport,
    ReportOptions,
    describe_fact,
    encode_hints,
    render,
    to_json_data,
    to_sarif_data,
)

text = st.text(min_size=0, max_size=40)
positions = st.tuples(st.integers(1, 10_000), st.integers(0, 500)).map(
    lambda p: Span(p[0], p[1], p[0] + 1, p[1] + 1)
)
fixes = st.none() | st.builds(
    Fix, text, st.lists(st.builds(Edit, positions, text), max_size=3).map(tuple), st.booleans()
)
diagnostics = st.builds(
    Diagnostic,
    st.from_regex(r"LEAF[0-9]{3}", fullmatch=True),
    st.from_regex(r"[a-z]+(-[a-z]+)*", fullmatch=True),
    st.sampled_from(["error", "warning", "information"]),
    text,
    positions,
    fixes,
)
hints = st.builds(
    Hint,
    st.from_regex(r"[a-z_][a-z0-9_]*", fullmatch=True),
    st.integers(1, 1000),
    positions,
    st.none() | st.booleans(),
    st.none() | st.booleans(),
    st.lists(st.builds(ReasonStep, st.integers(1, 1000), text), max_size=3).map(tuple),
)
reports = st.lists(
    st.builds(
        lambda path, d, h: FileReport(path, Analysis(path, diagnostics=d, hints=h)),
        text.filter(bool),
        st.lists(diagnostics, max_size=4),
        st.lists(hints, max_size=3),
    ),
    max_size=4,
)
options = st.builds(ReportOptions, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans())


@settings(max_examples=100, deadline=None)
@given(reports, options)
def test_every_format_renders_anything(files: list[FileReport], opts: ReportOptions) -> None:
    count = sum(len(f.analysis.diagnostics) for f in files)
    github = render("github", files, opts)
    # One workflow command per diagnostic (the runner splits on LF): CR/LF in paths or
    # messages are escaped.
    commands = github.split("\n")
    assert commands.pop() == ""
    assert len(commands) == count
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in commands)
    assert not any("\r" in line for line in commands)
    data = json.loads(render("json", files, opts))
    assert data == to_json_data(files, opts)
    # Hints read back from the result cache as written go into the report unchanged.
    kept = [
        FileReport(
            f.display, dataclasses.replace(f.analysis, hints=[]), hints_json=encode_hints(f.analysis.hints)
        )
        for f in files
    ]
    if not opts.probe:
        assert render("json", kept, opts) == render("json", files, opts)
    assert [m["message"] for f in data["files"] for m in f["diagnostics"]] == [
        d.message for f in files for d in f.analysis.diagnostics
    ]
    sarif = json.loads(render("sarif", files, opts))
    assert sarif == to_sarif_data(files, opts)
    results = sarif["runs"][0]["results"]
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert len(results) == count
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    last = render("text", files, opts).splitlines()[-1]
    if count == 0:
        assert last == "All checks passed!"
    elif not opts.statistics:
        assert last.startswith(("Found ", "("))


def test_describe_fact() -> None:
    assert describe_fact(True, True) == "leaf, requires grad"
    assert describe_fact(False, True) == "non-leaf, requires grad"
    assert describe_fact(None, False) == "leaf unknown, no grad"
    assert describe_fact(True, None) == "leaf, requires_grad unknown"
