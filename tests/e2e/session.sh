#!/usr/bin/env bash
# Runs inside the private D-Bus session: keyring, notification daemon, tauri-driver, specs.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# An unlocked Secret Service for the keyring crate.
eval "$(echo -n e2e-pass | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
dunst > "$PARLEY_E2E_WORK/dunst.log" 2>&1 &
PIDS+=($!)
# Every Notify call on the session bus, so specs can check that a notification was raised.
dbus-monitor "interface='org.freedesktop.Notifications',member='Notify'" > "$PARLEY_E2E_WORK/notifications.log" 2>&1 &
PIDS+=($!)
tauri-driver --port 4444 > "$PARLEY_E2E_WORK/tauri-driver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  curl -sf http://127.0.0.1:4444/status >/dev/null 2>&1 && break
  sleep 0.1
done
cd "$HERE"
node --test --test-concurrency=1 --test-reporter=spec specs/
