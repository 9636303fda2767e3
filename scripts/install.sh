#!/usr/bin/env bash
# The main job on a fresh machine: install leaf-lsp and check the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
echo "leaf-lsp installed: $(.venv/bin/leaf-lsp --version)"
echo "Checking examples/ (these programs contain autograd bugs on purpose):"
status=0
.venv/bin/leaf-lsp --check examples --show-hints || status=$?
# Exit status 1 means "diagnostics found", which is the point of the examples.
[ "$status" -le 1 ] || exit "$status"
