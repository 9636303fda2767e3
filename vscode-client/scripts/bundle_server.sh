#!/usr/bin/env bash
# Fills bundled/libs with the leaf-lsp server (copied from ../server/leaf_lsp) and its
# pure-Python dependencies, so the .vsix works on install with any Python >= 3.10.
# Wheels are resolved for Python 3.10 (the oldest supported) and are all py3-none-any.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
PY="${LEAF_BUILD_PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY="python3"; fi
fi
LIBS="$HERE/bundled/libs"
STAMP="$LIBS/.requirements.sha"
want="$(sha256sum "$HERE/bundled-requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "bundle_server: pip install --target $LIBS" >&2
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  "$PY" -m pip install --quiet --disable-pip-version-check --no-compile \
    --target "$LIBS" --only-binary=:all: --python-version 3.10 --implementation py --abi none --platform any \
    -r "$HERE/bundled-requirements.txt"
  rm -rf "$LIBS/bin"
  echo "$want" > "$STAMP"
fi
# The server package itself is always refreshed: it changes far more often than its deps.
# LEAF_SERVER_SRC bundles another checkout's leaf_lsp package instead of this one.
SRC="${LEAF_SERVER_SRC:-$ROOT/server/leaf_lsp}"
rm -rf "$LIBS/leaf_lsp"
"$PY" - "$SRC" "$LIBS/leaf_lsp" <<'PYEOF'
import shutil, sys
shutil.copytree(sys.argv[1], sys.argv[2], ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
PYEOF
# Smoke test: the bundle imports with nothing but the standard library on the path.
PYTHONPATH="$LIBS" "$PY" -S -c "import sys; sys.path.insert(0, '$LIBS'); import pygls, lsprotocol, jedi, cattrs, leaf_lsp; print('bundle_server: ok, leaf_lsp', leaf_lsp.__version__)" >&2
