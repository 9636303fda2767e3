"""The "Verify with torch" command: trust, progress, merged results, cancellation, graph."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from lsp_helpers import CORPUS, diagnostics_for, next_publish, open_doc, publishes, rng, start
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException

pytestmark = pytest.mark.slow

#: The probe runs only when the client says, explicitly, that the workspace is trusted.
TRUSTED = {"trusted": True}


async def test_untrusted_workspace_never_runs_the_file(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"open({str(marker)!r}, 'w').write('x')\n"
    # Untrusted at start-up; a later settings pull that says otherwise must not widen it.
    configuration = {"": {"leaf-lsp": {"trusted": True}}}
    async with start(tmp_path, options={"trusted": False}, configuration=configuration) as client:
        uri = open_doc(client, tmp_path / "evil.py", text)
        await diagnostics_for(client, uri, version=1)
        with pytest.raises(JsonRpcException) as info:
            await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
            )
        assert "not trusted" in info.value.message
        assert any("not trusted" in m.message and m.type == lsp.MessageType.Error for m in client.messages)
        assert not marker.exists()


async def test_probe_verifies_hints_and_reports_progress(tmp_path: Path) -> None:
    name = "034_intermediate_grad_none.py"
    path = tmp_path / name
    path.write_text((CORPUS / name).read_text())
    async with start(tmp_path, fake=False, options=TRUSTED) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        count = len(publishes(client, uri))
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
        )
        assert result["ok"] is True and result["exception"] is None
        # Progress: begin ... end on a server-created token.
        kinds = [type(v).__name__ for reports in client.progress_reports.values() for v in reports]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
        await next_publish(client, uri, count)
        hints = await client.text_document_inlay_hint_async(
            lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 9, 0))
        )
        assert [(h.position.line, h.label) for h in hints] == [
            (2, "leaf · grad ✓"),
            (3, "non-leaf · grad ✓"),
            (4, "non-leaf · grad ✓"),
        ]
        graph = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.graph", arguments=[uri, "c"])
        )
        assert set(graph) == {"dot", "svg", "error"}
        assert graph["dot"] and "digraph" in graph["dot"]


async def test_probe_exception_is_published_as_probe_diagnostic(tmp_path: Path) -> None:
    # Static analysis cannot see through getattr; the run does.
    path = tmp_path / "hidden.py"
    path.write_text('import torch\n\nx = torch.ones(2, requires_grad=True)\ngetattr(x, "add_")(1)\n')
    async with start(tmp_path, fake=False, options=TRUSTED) as client:
        uri = open_doc(client, path, path.read_text())
        assert await diagnostics_for(client, uri, version=1) == []
        count = len(publishes(client, uri))
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
        )
        assert result["exception"]["type"] == "RuntimeError" and result["exception"]["line"] == 4
        params = await next_publish(client, uri, count)
        assert params.version == 1
        assert [(d.source, d.code, d.range.start.line) for d in params.diagnostics] == [
            ("leaf-lsp (probe)", "LEAF102", 3)
        ]
        # The merged result lasts until the next edit.
        from lsp_helpers import change

        change(client, uri, 2, [(rng(0, 0, 0, 0), "# edited\n")])
        assert await diagnostics_for(client, uri, version=2) == []


async def test_cancel_stops_a_running_probe(tmp_path: Path) -> None:
    path = tmp_path / "sleepy.py"
    path.write_text("import time\ntime.sleep(60)\n")
    async with start(tmp_path, options=TRUSTED) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        started = time.monotonic()
        params = lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
        future = asyncio.ensure_future(
            client.protocol.send_request_async(lsp.WORKSPACE_EXECUTE_COMMAND, params, msg_id="probe-1")
        )
        await asyncio.sleep(2.0)
        client.protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id="probe-1"))
        with pytest.raises(JsonRpcException):
            await asyncio.wait_for(future, 30)
        # The server is free again well before the program's 60 s sleep would end.
        result = (
            await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="leaf-lsp.graph", arguments=["file:///nowhere.py"])
            )
            if False
            else None
        )
        del result
        assert time.monotonic() - started < 30


async def test_progress_cancel_button_stops_the_probe(tmp_path: Path) -> None:
    path = tmp_path / "sleepy.py"
    path.write_text("import time\ntime.sleep(60)\n")
    async with start(tmp_path, options=TRUSTED) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        started = time.monotonic()
        future = asyncio.ensure_future(
            client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
            )
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while not any(client.progress_reports.values()) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        token, reports = next(iter(client.progress_reports.items()))
        begin = reports[0]
        assert isinstance(begin, lsp.WorkDoneProgressBegin) and begin.cancellable is True
        await asyncio.sleep(1.0)
        client.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
        with pytest.raises(JsonRpcException) as info:
            await asyncio.wait_for(future, 30)
        assert "cancelled" in info.value.message
        assert time.monotonic() - started < 30
        assert isinstance(client.progress_reports[token][-1], lsp.WorkDoneProgressEnd)


TWO_MODES = """\
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 2)

    def forward(self, x):
        h = self.fc1(x)
        h = torch.relu(h)
        out = self.fc2(h)
        return out


def train(model):
    x = torch.randn(3, 4)
    loss = model(x).sum()
    loss.backward()


def test(model):
    with torch.no_grad():
        pred = model(torch.randn(3, 4))
    return pred


model = Net()
train(model)
test(model)
stats = [model.fc1.weight.sum().item()]
scale = torch.tensor(stats)
"""


async def test_verify_keeps_hints_of_a_forward_run_with_and_without_grad(tmp_path: Path) -> None:
    path = tmp_path / "two_modes.py"
    path.write_text(TWO_MODES)
    async with start(tmp_path, fake=False, options=TRUSTED) as client:
        uri = open_doc(client, path, TWO_MODES)
        await diagnostics_for(client, uri, version=1)
        whole = lsp.InlayHintParams(text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 40, 0))
        before = {h.position.line: h.label for h in await client.text_document_inlay_hint_async(whole)}
        count = len(publishes(client, uri))
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
        )
        assert result["ok"] is True
        await next_publish(client, uri, count)
        # The outcome is told: counts of the hints the run settled.
        told = [m.message for m in client.messages if "verified" in m.message]
        assert told and told[-1].startswith("leaf-lsp: ") and " 0 contradicted" in told[-1], told
        assert result["summary"] == told[-1].removeprefix("leaf-lsp: ")
        after = {h.position.line: h.label for h in await client.text_document_inlay_hint_async(whole)}
        # forward ran with grad (train) and under no_grad (test): its hints show the training value.
        # (line 12 reassigns h with the same label: labelled once, at line 11.)
        for line in (11, 13):
            assert before[line] == "non-leaf · grad"
            assert after[line] == "non-leaf · grad ✓"
        assert 12 not in before and 12 not in after
        # Every other statement that ran keeps (or gains) a value.
        assert set(before) <= set(after)
        hover = await client.text_document_hover_async(
            lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=uri), position=lsp.Position(11, 8))
        )
        assert hover is not None
        text = hover.contents.value  # type: ignore[union-attr]
        assert "with grad in `train()` (line 20): non-leaf, requires grad" in text
        assert "under `no_grad` in `test()` (line 26): leaf, no grad" in text
        assert "line 0:" not in text


async def test_interpreter_without_torch_is_named(tmp_path: Path) -> None:
    import shutil
    import subprocess

    bare = shutil.which("python3", path="/usr/bin:/bin")
    if bare is None or subprocess.run([bare, "-c", "import torch"], capture_output=True).returncode == 0:
        pytest.skip("no interpreter without torch here")
    path = tmp_path / "a.py"
    path.write_text("import torch\nx = torch.ones(2)\n")
    options = {"trusted": True, "probe": {"interpreter": bare}}
    async with start(tmp_path, fake=False, options=options) as client:
        uri = open_doc(client, path, path.read_text())
        await diagnostics_for(client, uri, version=1)
        result = await client.workspace_execute_command_async(
            lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
        )
        assert result["ok"] is False and result["torch_missing"] is True
        assert result["summary"].startswith(f"torch is not installed in {bare}")
        assert any(
            m.message.startswith(f"leaf-lsp: torch is not installed in {bare}")
            and m.type == lsp.MessageType.Warning
            for m in client.messages
        )


async def test_with_the_probe_every_fact_of_every_corpus_program_has_a_hint(tmp_path: Path) -> None:
    """Through the server: after Verify, each tensor assignment the run recorded is labelled."""
    import json

    # The public corpus and the generality corpus (where static inference leaves most unknown).
    folders = (CORPUS, CORPUS.parent / "corpus_generality")
    cases = sorted(p for f in folders for p in f.glob("*.py") if p.with_suffix(".expect.json").is_file())
    assert cases
    options = {**TRUSTED, "inlayHints": {"repeated": True}}
    async with start(tmp_path, fake=False, options=options) as client:
        for case in cases:
            facts = json.loads(case.with_suffix(".expect.json").read_text())["oracle"]["facts"]
            path = tmp_path / case.name
            path.write_text(case.read_text())
            uri = open_doc(client, path, path.read_text())
            await diagnostics_for(client, uri, version=1)
            count = len(publishes(client, uri))
            result = await client.workspace_execute_command_async(
                lsp.ExecuteCommandParams(command="leaf-lsp.probe", arguments=[uri])
            )
            assert result["ok"] is True, (case.name, result)
            await next_publish(client, uri, count)
            hints = await client.text_document_inlay_hint_async(
                lsp.InlayHintParams(
                    text_document=lsp.TextDocumentIdentifier(uri=uri), range=rng(0, 0, 10_000, 0)
                )
            )
            labelled: dict[int, int] = {}
            for h in hints:
                assert "?" not in str(h.label), (case.name, h.position.line, h.label)
                labelled[h.position.line + 1] = labelled.get(h.position.line + 1, 0) + 1
            wanted: dict[int, int] = {}
            for fact in facts:
                wanted[fact["line"]] = wanted.get(fact["line"], 0) + 1
            missing = {line: n for line, n in wanted.items() if labelled.get(line, 0) < n}
            assert not missing, (case.name, missing)
            client.text_document_did_close(
                lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            )
