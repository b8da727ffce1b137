#!/usr/bin/env bash
# Sets up a fresh machine: Chromium from the system (Debian's apt) when neither
# it nor CHROME_PATH is there, then the npm dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CHROME_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Chromium with apt (Playwright's own browser download is not used)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
