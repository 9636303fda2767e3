"""Cross-file hook: editing or saving a module re-analyses the open files that import it."""

from __future__ import annotations

from pathlib import Path

from lsp_helpers import change, diagnostics_for, next_publish, open_doc, publishes, rng, settle, start
from lsprotocol import types as lsp


async def test_importers_are_reanalysed_on_change_and_on_disk_events(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    helper = tmp_path / "pkg" / "helpers.py"
    helper.write_text("import torch\n")
    user = "import torch\nimport pkg.helpers\nx = 1\n"
    other = "import torch\nx = 2\n"
    async with start(tmp_path) as client:
        user_uri = open_doc(client, tmp_path / "main.py", user)
        other_uri = open_doc(client, tmp_path / "other.py", other)
        helper_uri = open_doc(client, helper, helper.read_text())
        for uri in (user_uri, other_uri, helper_uri):
            await diagnostics_for(client, uri, version=1)
        await settle(0.3)
        user_count, other_count = len(publishes(client, user_uri)), len(publishes(client, other_uri))

        change(client, helper_uri, 2, [(rng(1, 0, 1, 0), "y = 1\n")])
        again = await next_publish(client, user_uri, user_count)
        assert again.version == 1  # same text, new context
        await settle(0.4)
        assert len(publishes(client, other_uri)) == other_count  # does not import helpers

        # A watched-file event for the module (e.g. `git checkout`) does the same.
        user_count = len(publishes(client, user_uri))
        client.workspace_did_change_watched_files(
            lsp.DidChangeWatchedFilesParams(
                changes=[lsp.FileEvent(uri=helper.as_uri(), type=lsp.FileChangeType.Changed)]
            )
        )
        await next_publish(client, user_uri, user_count)
