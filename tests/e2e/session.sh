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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Free ports, so two runs on one machine never share a driver.
export PARLEY_E2E_DRIVER_PORT="$(free_port)"
NATIVE_PORT="$(free_port)"
tauri-driver --port "$PARLEY_E2E_DRIVER_PORT" --native-port "$NATIVE_PORT" > "$PARLEY_E2E_WORK/tauri-driver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$PARLEY_E2E_DRIVER_PORT/status" >/dev/null 2>&1 && break
  sleep 0.1
done
cd "$HERE"
# PARLEY_E2E_SPECS picks a subset, e.g. specs/guest-invitation.test.mjs
node --test --test-concurrency=1 --test-reporter=spec ${PARLEY_E2E_SPECS:-specs/}
