#!/usr/bin/env bash
# Type checks: mypy on the Python package, tsc on the VS Code extension.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/mypy
if [ -d vscode-client/node_modules ]; then
  (cd vscode-client && npx tsc --noEmit -p .)
fi
