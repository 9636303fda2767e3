#!/usr/bin/env bash
# Builds vscode-client/leaf-lsp-0.1.0.vsix: installs the client's npm dependencies (once,
# from its lockfile), type-checks, bundles with esbuild, copies the server and its
# pure-Python dependencies into bundled/libs, and packages with vsce.
# Usage: scripts/build_vsix.sh            -> prints the path of the .vsix on stdout
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENT="$ROOT/vscode-client"
cd "$CLIENT"
if [ ! -d node_modules/vscode-languageclient ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build_vsix: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
npm run --silent package >&2
echo "$CLIENT/leaf-lsp-0.1.0.vsix"
