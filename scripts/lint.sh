#!/usr/bin/env bash
# Lint and format check (Python: ruff; TypeScript: tsc --noEmit runs in scripts/typecheck.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check server tests scripts
.venv/bin/ruff format --check server scripts
