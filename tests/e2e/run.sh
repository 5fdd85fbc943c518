#!/usr/bin/env bash
# End-to-end test of the real desktop app in a real window:
#   a real parley-server (temporary SQLite file, demo organisation, file outbox),
#   Xvfb, a private D-Bus session with an unlocked gnome-keyring and dunst,
#   tauri-driver + WebKitWebDriver, and WebdriverIO specs under specs/.
# Expects target/debug/parley-server and target/debug/parley-desktop to be built
# (`make build-debug`). Screenshots go to tests/e2e/screenshots/ (git-ignored).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SERVER_BIN="$ROOT/target/debug/parley-server"
APP_BIN="$ROOT/target/debug/parley-desktop"
for bin in "$SERVER_BIN" "$APP_BIN"; do
  [ -x "$bin" ] || { echo "e2e: missing $bin (run: make build-debug)" >&2; exit 1; }
done
command -v tauri-driver >/dev/null || { echo "e2e: tauri-driver missing (run: scripts/install-deps.sh)" >&2; exit 1; }
[ -d "$HERE/node_modules" ] || (cd "$HERE" && npm install --no-audit --no-fund)

WORK="$(mktemp -d /tmp/parley-e2e.XXXXXX)"
mkdir -p "$HERE/screenshots" "$WORK/home" "$WORK/run" "$WORK/outbox"
chmod 700 "$WORK/run"
rm -f "$HERE"/screenshots/*.png
PIDS=()
cleanup() {
  # A spec may have restarted the server; its PID is in server.pid.
  [ -f "$WORK/server.pid" ] && PIDS+=("$(cat "$WORK/server.pid")")
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_E2E_WORK:-}" = "" ]; then rm -rf "$WORK"; else echo "e2e: work dir kept at $WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
SMTP_PORT="$(free_port)"

# A real SMTP sink: e-mail goes over SMTP into a Maildir the specs read back; SMS stay in
# the file outbox.
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/maildir" \
  > "$WORK/smtp.log" 2>&1 &
PIDS+=($!)
export PARLEY_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export PARLEY_E2E_MAILDIR="$WORK/maildir"
export PARLEY_DATABASE_URL="sqlite://$WORK/server.db"
export PARLEY_OUTBOX_DIR="$WORK/outbox"
export PARLEY_PUBLIC_URL="http://127.0.0.1:$PORT"
"$SERVER_BIN" demo > "$WORK/demo.txt"
"$SERVER_BIN" serve --port "$PORT" > "$WORK/server.log" 2>&1 &
PIDS+=($!)
echo $! > "$WORK/server.pid"
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$WORK/server.log"; exit 1; }

DISPLAY_NUM=$(( 90 + RANDOM % 9 ))
Xvfb ":$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp > "$WORK/xvfb.log" 2>&1 &
PIDS+=($!)
sleep 0.5

export PARLEY_E2E_SERVER_URL="http://127.0.0.1:$PORT"
export PARLEY_E2E_PORT="$PORT"
export PARLEY_E2E_SERVER_BIN="$SERVER_BIN"
export PARLEY_E2E_APP="$APP_BIN"
export PARLEY_E2E_WORK="$WORK"
export PARLEY_E2E_SCREENSHOTS="$HERE/screenshots"
export DISPLAY=":$DISPLAY_NUM"
export HOME="$WORK/home"
export XDG_RUNTIME_DIR="$WORK/run"
export NO_AT_BRIDGE=1

set +e
dbus-run-session -- bash "$HERE/session.sh"
status=$?
set -e
if [ $status -ne 0 ]; then
  echo "e2e: FAILED — server log tail:"; tail -n 30 "$WORK/server.log"
  echo "e2e: app log tail:"; find "$WORK/home" -name 'parley-desktop.log*' -exec tail -n 30 {} \; 2>/dev/null
fi
echo "e2e: screenshots in $HERE/screenshots"
exit $status
