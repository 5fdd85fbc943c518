#!/usr/bin/env bash
# The desktop app with a large directory (issue 12, SPEC §13), beside a bare Tauri window built
# in the same run from the same Cargo.lock (src-tauri/bare_window.rs):
#   1. a server (SQLite) with an organisation of N members, written by `parley-load directory`;
#   2. the real app logs in through its window (WebDriver), first sync timed until Contacts
#      counts N, then search as you type (the IPC call, and keystroke to list on screen);
#   3. the app launched again on its warm cache, the bare window, and the bare window painting
#      as the app does on Linux (no compositing, src-tauri/rendering.rs), each `--launches`
#      times: main → first contacts on screen (the bare window: its page on screen), then `--idle`
#      seconds idle and the PSS and RSS of each process of the app (main, WebKit web and network).
# Xvfb, a private D-Bus session with an unlocked keyring; 127.0.0.1 only; stops what it starts.
#
#   scripts/desktop-bench.sh --smoke                 # CI: debug builds, 500 contacts, 5 s idle, one launch each
#   scripts/desktop-bench.sh --contacts 10000        # release builds, 3 launches, 30 s idle
#   scripts/desktop-bench.sh --contacts 100000
#   scripts/desktop-bench.sh --contacts 100000 --server-bin /tmp/parley-server-before
#                                                    # the same app against another build of the server
#
# Figures are printed and written as JSON to --out (default target/desktop-bench/<time>/).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

contacts=10000 launches=3 idle=30 profile=release server_bin=""
out="target/desktop-bench/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) contacts=500 launches=1 idle=5 profile=dev; shift ;;
    --contacts) contacts=$2; shift 2 ;;
    --launches) launches=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;   # release or dev
    --out) out=$2; shift 2 ;;
    --server-bin) server_bin=$2; shift 2 ;;
    *) echo "desktop-bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

source scripts/lib/run-env.sh
dir=debug release_flag=""
if [ "$profile" = release ]; then dir=release release_flag=--release; fi
[ -f ui/dist/index.html ] || npm run build:ui
cargo build -q $release_flag -p parley-server -p parley-load
if [ "$profile" = release ]; then npx tauri build --no-bundle >/dev/null; else npx tauri build --debug --no-bundle >/dev/null; fi
cargo build -q $release_flag --example bare_window
app_bin="$ROOT/target/$dir/parley-desktop" bare_bin="$ROOT/target/$dir/examples/bare_window"
[ -d tests/e2e/node_modules ] || (cd tests/e2e && npm install --no-audit --no-fund >/dev/null)

work="$(mktemp -d /tmp/parley-desktop-bench.XXXXXX)"
mkdir -p "$work/home" "$work/run" "$work/outbox"
chmod 700 "$work/run"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

export PARLEY_CODE_KEY=desktop-bench-code-key-0123456789
url="sqlite://$work/server.db"
"target/$dir/parley-load" directory --database-url "$url" --members "$contacts" --out "$work/login.json"
port=$(free_port)
PARLEY_OUTBOX_DIR="$work/outbox" RUST_LOG=warn "${server_bin:-target/$dir/parley-server}" serve --port "$port" \
  --database-url "$url" --scheduler-secs 0 > "$out/server.log" 2>&1 &
pids+=($!)
wait_health "$port" || { cat "$out/server.log" >&2; exit 1; }

display=$(( 80 + RANDOM % 9 ))
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp > "$work/xvfb.log" 2>&1 &
pids+=($!)
sleep 0.5

cat > "$work/session.sh" <<'SESSION'
#!/usr/bin/env bash
# Inside the private D-Bus session: the keyring, tauri-driver, the window part, the launches.
set -euo pipefail
eval "$(echo -n bench-pass | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export PARLEY_E2E_DRIVER_PORT="$(free_port)"
tauri-driver --port "$PARLEY_E2E_DRIVER_PORT" --native-port "$(free_port)" > "$WORK/tauri-driver.log" 2>&1 &
driver=$!
trap 'kill $driver 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PARLEY_E2E_DRIVER_PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done
(cd "$ROOT/tests/e2e" && PARLEY_BENCH_OUT="$OUT/window.json" PARLEY_BENCH_SCREENSHOT="$OUT/first-sync.png" node bench/desktop.mjs)
kill $driver 2>/dev/null || true
# The process and every process it started (WebKit's web and network processes).
tree() { local p=$1; echo "$p"; for c in $(ps -o pid= --ppid "$p"); do tree "$c"; done; }
kib() { awk -v k="$1:" '$1 == k { s += $2 } END { print s + 0 }' "${@:2}" 2>/dev/null; }
# launch NAME BINARY I [VAR=VALUE...]: starts it (with those variables), waits for "ready after
# N ms", idles, reads PSS/RSS, stops it.
launch() {
  local name=$1 bin=$2 i=$3
  env "${@:4}" "$bin" > "$WORK/$name-$i.out" 2> "$WORK/$name-$i.err" &
  local pid=$!
  for _ in $(seq 1 600); do grep -q "ready after" "$WORK/$name-$i.out" && break; sleep 0.05; done
  local ready; ready=$(sed -n 's/.*ready after \([0-9]*\) ms.*/\1/p' "$WORK/$name-$i.out" | head -1)
  sleep "$IDLE"
  local procs files=() pss rss detail=""
  procs=$(tree "$pid")
  for p in $procs; do
    [ -r "/proc/$p/smaps_rollup" ] || continue
    files+=("/proc/$p/smaps_rollup")
    detail+="$(cat "/proc/$p/comm"):$(kib Pss "/proc/$p/smaps_rollup") "
  done
  pss=$(kib Pss "${files[@]}"); rss=$(kib Rss "${files[@]}")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local stages; stages=$(sed -n 's/^stage \(.*\) after \([0-9]*\) ms$/"\1":\2/p' "$WORK/$name-$i.out" | paste -sd, -)
  echo "{\"name\":\"$name\",\"launch\":$i,\"ready_ms\":${ready:-null},\"stages\":{$stages},\"pss_kib\":$pss,\"rss_kib\":$rss,\"processes\":\"${detail% }\"}" >> "$OUT/launches.jsonl"
  sleep 1
}
for i in $(seq 1 "$LAUNCHES"); do
  launch bare "$BARE" "$i"
  # The bare window painting as the app does on Linux (src-tauri/rendering.rs): a second
  # baseline, so the app's own weight shows apart from what the rendering mode saves.
  launch bare-nocomp "$BARE" "$i" WEBKIT_DISABLE_COMPOSITING_MODE=1
  launch app "$APP" "$i"
done
SESSION
chmod +x "$work/session.sh"

code=$(python3 -c "import json; print(json.load(open('$work/login.json'))['code'])")
phone=$(python3 -c "import json; print(json.load(open('$work/login.json'))['phone'])")
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $profile builds; $contacts contacts; $launches launches each, ${idle} s idle"
rm -f "$out/launches.jsonl"
DISPLAY=":$display" HOME="$work/home" XDG_RUNTIME_DIR="$work/run" NO_AT_BRIDGE=1 \
  WORK="$work" OUT="$out" ROOT="$ROOT" APP="$app_bin" BARE="$bare_bin" IDLE="$idle" LAUNCHES="$launches" \
  PARLEY_BENCH_APP="$app_bin" PARLEY_BENCH_SERVER_URL="http://127.0.0.1:$port" PARLEY_BENCH_PHONE="$phone" \
  PARLEY_BENCH_CODE="$code" PARLEY_BENCH_CONTACTS="$contacts" \
  dbus-run-session -- "$work/session.sh" 2> "$out/session.log" \
  || { echo "desktop-bench: the window part failed:" >&2; tail -n 40 "$out/session.log" >&2; exit 1; }

python3 - "$out" "$contacts" <<'REPORT'
import json, statistics, sys
out, contacts = sys.argv[1], int(sys.argv[2])
window = json.load(open(f"{out}/window.json"))
runs = [json.loads(l) for l in open(f"{out}/launches.jsonl")]
def med(name, key):
    xs = [r[key] for r in runs if r["name"] == name and r[key] is not None]
    return statistics.median(xs) if xs else None
bare_pss, app_pss = med("bare", "pss_kib"), med("app", "pss_kib")
nocomp_pss = med("bare-nocomp", "pss_kib")
bare_ready, app_ready = med("bare", "ready_ms"), med("app", "ready_ms")
summary = {
    "contacts": contacts,
    "first_sync_ms": window.get("first_sync_ms"),
    "first_sync_progress_seen": window.get("first_sync_progress_seen"),
    "search_ipc_ms": window.get("search_ipc_ms"),
    "keystroke_to_screen_ms": window.get("keystroke_to_screen_ms"),
    "bare": {"pss_mib": bare_pss / 1024, "rss_mib": med("bare", "rss_kib") / 1024, "ready_ms": bare_ready},
    "app": {"pss_mib": app_pss / 1024, "rss_mib": med("app", "rss_kib") / 1024, "ready_ms": app_ready},
    "bare_nocomp": {"pss_mib": nocomp_pss / 1024, "rss_mib": med("bare-nocomp", "rss_kib") / 1024,
                    "ready_ms": med("bare-nocomp", "ready_ms")},
    "pss_ratio": app_pss / bare_pss,
    "pss_ratio_same_rendering": app_pss / nocomp_pss,
    "ready_ratio": (app_ready / bare_ready) if app_ready and bare_ready else None,
    "launches": runs,
}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
print(f"contacts             {contacts}")
print(f"first sync           {summary['first_sync_ms']} ms (login → Contacts counts them all)")
print(f"  progress shown     {' | '.join(summary['first_sync_progress_seen'] or []) or 'none (too quick)'}")
s = summary["search_ipc_ms"]
print(f"search, IPC          p50 {s['p50']:.2f} ms, p99 {s['p99']:.2f} ms, max {s['max']:.2f} ms (n={s['n']})")
k = summary["keystroke_to_screen_ms"]
print(f"keystroke → screen   p50 {k['p50']:.0f} ms, max {k['max']:.0f} ms (n={k['n']}, debounce included)")
print(f"idle PSS             app {summary['app']['pss_mib']:.0f} MiB, bare window {summary['bare']['pss_mib']:.0f} MiB: {summary['pss_ratio']:.2f}x")
print(f"  same rendering     bare window without compositing {summary['bare_nocomp']['pss_mib']:.0f} MiB: {summary['pss_ratio_same_rendering']:.2f}x")
print(f"idle RSS             app {summary['app']['rss_mib']:.0f} MiB, bare window {summary['bare']['rss_mib']:.0f} MiB")
if summary["ready_ratio"]:
    print(f"start → on screen    app {app_ready:.0f} ms, bare window {bare_ready:.0f} ms: {summary['ready_ratio']:.2f}x (medians)")
for r in runs:
    print(f"  {r['name']:<11} #{r['launch']}: ready {r['ready_ms']} ms, PSS {r['pss_kib']/1024:.0f} MiB ({r['processes']})")
    if r.get("stages"):
        print("          " + ", ".join(f"{k} {v}" for k, v in r["stages"].items()))
REPORT
echo "figures: $out"
