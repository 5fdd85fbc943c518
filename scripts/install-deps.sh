#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test Parley.
# Idempotent: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libwebkit2gtk-4.1-dev build-essential pkg-config libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev xvfb webkit2gtk-driver dbus-x11 imagemagick
  xdotool xclip dunst gnome-keyring libsecret-tools keyutils curl sqlite3 postgresql-client python3-aiosmtpd
  haproxy nats-server python3-venv)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "install-deps: a Rust toolchain (rustup) is required" >&2; exit 1; }
command -v node >/dev/null || { echo "install-deps: Node.js 20+ and npm are required" >&2; exit 1; }

if ! command -v cargo-nextest >/dev/null; then
  cargo install cargo-nextest --locked
fi
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked
fi

# JavaScript dependencies: the UI (with the Tauri CLI) and the E2E driver, at the versions of
# the lock files. `npm install`, not `npm ci`: the lock names the Tauri CLI's binaries for every
# platform, and registries that serve only this platform's make `npm ci` refuse the lock.
[ -d node_modules ] || npm install --no-audit --no-fund
if [ -f tests/e2e/package.json ] && [ ! -d tests/e2e/node_modules ]; then
  (cd tests/e2e && npm install --no-audit --no-fund)
fi
echo "install-deps: done"
