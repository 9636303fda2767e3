#!/usr/bin/env bash
# End-to-end test of the leaf-lsp VS Code extension in real VS Code (code-server 4.100.3,
# i.e. VS Code 1.100.3) driven by headless Chromium through playwright-core.
#
#  1. installs what it needs, idempotently, into $LEAF_E2E_CACHE (~/.cache/leaf-lsp-e2e);
#  2. builds the .vsix (scripts/build_vsix.sh) unless LEAF_E2E_VSIX names one;
#  3. phase "trusted": a fresh profile with workspace trust off, the server on the
#     project's venv Python (it has torch) via the leaf-lsp.interpreter user setting;
#     phase "untrusted": workspace trust on, the folder left untrusted (Restricted Mode);
#     phase "notebook": as trusted, on a Jupyter notebook (notebook_fixture.py, e2e_notebook.mjs);
#  4. e2e.mjs asserts on the rendered workbench; screenshots go to test-results/vscode/.
#
# Exit codes: 0 all steps passed, 1 a step failed, 77 skipped (no chromium and it cannot
# be installed). Env: LEAF_E2E_PHASES ("trusted untrusted notebook"), LEAF_E2E_PROGRAM (corpus
# program, default 011_augassign_bias_correction.py), LEAF_E2E_TIMEOUT_S (per wait, 120),
# LEAF_E2E_PYTHON (the interpreter given to the extension; default the repo's .venv).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
SHOTS="${LEAF_E2E_SHOTS:-$ROOT/test-results/vscode}"
PROGRAM="${LEAF_E2E_PROGRAM:-011_augassign_bias_correction.py}"
CORPUS="${LEAF_E2E_CORPUS:-$ROOT/tests/corpus_public}"
PYTHON="${LEAF_E2E_PYTHON:-$ROOT/.venv/bin/python}"
PHASES="${LEAF_E2E_PHASES:-trusted untrusted notebook}"
log() { echo "[run_e2e] $*" >&2; }

CACHE="$("$HERE/install_deps.sh")"
rc=$?
if [ $rc -eq 3 ]; then
  log "SKIP: chromium is not installed and cannot be installed here"
  exit 77
elif [ $rc -ne 0 ]; then
  log "installing the test's dependencies failed (rc=$rc)"
  exit 1
fi
CS_BIN="$CACHE/code-server/node_modules/code-server/out/node/entry.js"
PLAYWRIGHT="$CACHE/playwright/node_modules/playwright-core"

if [ -n "${LEAF_E2E_VSIX:-}" ]; then
  VSIX="$LEAF_E2E_VSIX"
else
  VSIX="$("$ROOT/scripts/build_vsix.sh")" || { log "building the .vsix failed"; exit 1; }
fi
log "vsix: $VSIX"

RUN="$(mktemp -d /tmp/leaf-lsp-e2e.XXXXXX)"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png
CS_PGID=""
cleanup() {
  if [ -n "$CS_PGID" ]; then
    # code-server, its extension host and the Python server share the process group.
    kill -TERM -- "-$CS_PGID" 2>/dev/null
    sleep 1
    kill -KILL -- "-$CS_PGID" 2>/dev/null
  fi
  CS_PGID=""
}
trap 'cleanup; [ -n "${LEAF_E2E_KEEP:-}" ] || rm -rf "$RUN"' EXIT

# A private HOME and XDG dirs: code-server must not touch the real home or restore old buffers.
export HOME="$RUN/home" XDG_CONFIG_HOME="$RUN/home/.config" XDG_DATA_HOME="$RUN/home/.local/share" \
  XDG_CACHE_HOME="$RUN/home/.cache" XDG_RUNTIME_DIR="$RUN/home/.run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

EXT_DIR="$RUN/extensions"
node "$CS_BIN" --install-extension "$VSIX" --extensions-dir "$EXT_DIR" --user-data-dir "$RUN/install-profile" >"$RUN/install.log" 2>&1 \
  || { log "installing the .vsix into code-server failed:"; cat "$RUN/install.log" >&2; exit 1; }
grep -q "leaf-lsp" <(ls "$EXT_DIR") || { log "the extension is not in $EXT_DIR"; cat "$RUN/install.log" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

overall=0
for PHASE in $PHASES; do
  WS="$RUN/ws-$PHASE"
  mkdir -p "$WS"
  cp "$CORPUS/$PROGRAM" "$WS/"
  printf 'import torch\n\nw = torch.ones(3, requires_grad=True)\nloss = (w * 2).sum()\nloss.backward()\nprint(w.grad)\n' >"$WS/clean.py"
  # A model built inside a function: the graph must name its parameters (model.0.weight).
  printf 'import torch\nimport torch.nn as nn\n\n\ndef main():\n    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))\n    loss = model(torch.randn(2, 3)).sum()\n    loss.backward()\n\n\nmain()\n' >"$WS/model.py"
  # forward runs in training and under no_grad in test(): Verify keeps the training values.
  printf 'import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc1 = nn.Linear(4, 8)\n\n    def forward(self, x):\n        h = self.fc1(x)\n        return h\n\n\ndef train(model):\n    model(torch.randn(3, 4)).sum().backward()\n\n\ndef test(model):\n    with torch.no_grad():\n        return model(torch.randn(3, 4))\n\n\nmodel = Net()\ntrain(model)\ntest(model)\n' >"$WS/modes.py"
  # Two functions with a LEAF201 each: a half-typed line in one keeps the other's squiggle.
  printf 'import torch\n\n\ndef first():\n    w = torch.randn(3, requires_grad=True)\n    y = w * 2\n    y.sum().backward()\n    return y.grad\n\n\ndef second(x):\n    z = torch.relu(x)\n    return z\n\n\ndef third():\n    v = torch.randn(3, requires_grad=True)\n    u = v * 2\n    u.sum().backward()\n    return u.grad\n' >"$WS/half.py"
  # With LEAF_SERVER_SRC (a leaf_lsp package bundled instead of server/leaf_lsp), the
  # expectations come from that same package.
  if [ "$PHASE" = "notebook" ]; then
    PYTHONPATH="$(dirname "${LEAF_SERVER_SRC:-$ROOT/server/leaf_lsp}")" \
      "$ROOT/.venv/bin/python" "$HERE/notebook_fixture.py" "$WS" >"$RUN/expect.json" \
      || { log "writing the notebook fixture failed"; exit 1; }
  else
    PYTHONPATH="${LEAF_SERVER_SRC:+$(dirname "$LEAF_SERVER_SRC")}" \
      "$ROOT/.venv/bin/python" "$HERE/expectations.py" "$CORPUS/$PROGRAM" >"$RUN/expect.json" \
      || { log "computing expectations failed"; exit 1; }
  fi

  UD="$RUN/user-data-$PHASE"
  mkdir -p "$UD/User"
  if [ "$PHASE" != "untrusted" ]; then TRUST=false; TRUST_FLAG="--disable-workspace-trust"; else TRUST=true; TRUST_FLAG=""; fi
  cat >"$UD/User/settings.json" <<JSON
{
  "security.workspace.trust.enabled": $TRUST,
  "security.workspace.trust.startupPrompt": "never",
  "security.workspace.trust.banner": "always",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "editor.inlayHints.enabled": "on",
  "editor.hover.above": false,
  "editor.hover.delay": 200,
  "editor.minimap.enabled": false,
  "editor.codeLens": true,
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.autoClosingOvertype": "never",
  "editor.autoSurround": "never",
  "editor.autoIndent": "none",
  "editor.formatOnType": false,
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "telemetry.telemetryLevel": "off",
  "files.hotExit": "off",
  "window.restoreWindows": "none",
  "leaf-lsp.interpreter": ["$PYTHON"],
  "leaf-lsp.trace.server": "messages"
}
JSON
  PORT="$(free_port)"
  log "phase $PHASE: code-server on 127.0.0.1:$PORT, workspace $WS"
  setsid node "$CS_BIN" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
    --disable-getting-started-override $TRUST_FLAG --extensions-dir "$EXT_DIR" --user-data-dir "$UD" "$WS" \
    >"$RUN/code-server-$PHASE.log" 2>&1 &
  CS_PGID=$!
  ok=""
  for _ in $(seq 1 120); do
    if node -e "require('http').get('http://127.0.0.1:$PORT/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" 2>/dev/null; then ok=1; break; fi
    sleep 0.5
  done
  if [ -z "$ok" ]; then
    log "code-server did not become healthy"; cat "$RUN/code-server-$PHASE.log" >&2; overall=1; cleanup; continue
  fi
  README_SHOT=""
  [ "$PHASE" = "trusted" ] && README_SHOT="${LEAF_E2E_README_SHOT:-$SHOTS/readme-vscode.png}"
  [ "$PHASE" = "notebook" ] && README_SHOT="$SHOTS/readme-vscode-notebook.png"
  SCRIPT="$HERE/e2e.mjs"
  [ "$PHASE" = "notebook" ] && SCRIPT="$HERE/e2e_notebook.mjs"
  PHASE="$PHASE" URL="http://127.0.0.1:$PORT" WORKSPACE="$WS" FILE="$PROGRAM" EXPECT="$RUN/expect.json" \
    SHOTS="$SHOTS" README_SHOT="$README_SHOT" USER_SETTINGS="$UD/User/settings.json" PLAYWRIGHT="$PLAYWRIGHT" CHROMIUM=/usr/bin/chromium \
    PROFILE="$RUN/chromium-$PHASE" TIMEOUT_S="${LEAF_E2E_TIMEOUT_S:-120}" \
    node "$SCRIPT"
  prc=$?
  [ $prc -eq 0 ] || overall=1
  # The extension's own log (server stderr, traces) helps when a step failed.
  find "$UD/logs" -name "*leaf-lsp*.log" -exec cp {} "$SHOTS/$PHASE-extension.log" \; 2>/dev/null
  cp "$RUN/code-server-$PHASE.log" "$SHOTS/$PHASE-code-server.log" 2>/dev/null
  cleanup
done
exit $overall
