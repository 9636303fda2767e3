#!/usr/bin/env bash
# Every test: Python (engine, CLI, language server, probe, Neovim, VS Code end-to-end) and the
# VS Code extension's unit tests. Installs what it needs. Non-zero exit when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --dev
if [ -f vscode-client/package.json ]; then
  (cd vscode-client && npm ci --no-audit --no-fund --loglevel=error && npm test)
fi
.venv/bin/python -m pytest -q "$@"
