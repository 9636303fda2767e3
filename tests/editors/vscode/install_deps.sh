#!/usr/bin/env bash
# Installs, idempotently, what the VS Code end-to-end test needs: Debian packages
# (chromium, ripgrep, kerberos headers for code-server's native modules), code-server
# 4.100.3 (the last release whose engines accept node 20) and playwright-core, all in a
# cache directory outside the repository so repeated runs cost nothing.
# Recipe: /work/shared/clients.md. Prints nothing on stdout but the cache dir.
set -euo pipefail

CACHE="${LEAF_E2E_CACHE:-$HOME/.cache/leaf-lsp-e2e}"
CODE_SERVER_VERSION="4.100.3"
PLAYWRIGHT_VERSION="1.55.0"
mkdir -p "$CACHE"
log() { echo "[install_deps] $*" >&2; }

# --- Debian packages --------------------------------------------------------
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium chromium-driver)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -e /usr/include/krb5.h ] || [ -e /usr/include/krb5/krb5.h ] || need_apt+=(libkrb5-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    log "missing ${need_apt[*]} and not root: cannot apt-get install"
    exit 3
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install ${need_apt[*]}"
  # A concurrent apt run may hold the lock: DPkg::Lock::Timeout waits for it, and a few
  # retries cover a transient mirror failure without looping for long when offline.
  for _ in 1 2 3; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update -qq >&2 \
      && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq \
        --no-install-recommends "${need_apt[@]}" >&2; then
      break
    fi
    sleep 5
  done
  [ -x /usr/bin/chromium ] || { log "chromium could not be installed"; exit 3; }
fi

# --- code-server ------------------------------------------------------------
CS="$CACHE/code-server"
if [ ! -f "$CS/.installed-$CODE_SERVER_VERSION" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CS (about 60-80 s)"
  rm -rf "$CS"; mkdir -p "$CS"
  (
    cd "$CS"
    export npm_config_nodedir=/usr npm_config_unsafe_perm=true npm_config_yes=true
    echo '{"name":"leaf-lsp-e2e-code-server","private":true}' > package.json
    npm install --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION" >&2
    npm rebuild argon2 >&2
    cd node_modules/code-server/lib/vscode
    npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
    # @vscode/ripgrep skips its GitHub download when bin/ already exists.
    mkdir -p node_modules/@vscode/ripgrep/bin
    cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
    npm rebuild >&2
    cd ../..
    npm run postinstall >&2
  )
  touch "$CS/.installed-$CODE_SERVER_VERSION"
fi

# --- playwright-core (never `playwright install`: it downloads browsers) ----
PW="$CACHE/playwright"
if [ ! -f "$PW/.installed-$PLAYWRIGHT_VERSION" ]; then
  log "installing playwright-core@$PLAYWRIGHT_VERSION into $PW"
  rm -rf "$PW"; mkdir -p "$PW"
  (
    cd "$PW"
    echo '{"name":"leaf-lsp-e2e-playwright","private":true}' > package.json
    npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" >&2
  )
  touch "$PW/.installed-$PLAYWRIGHT_VERSION"
fi

echo "$CACHE"
