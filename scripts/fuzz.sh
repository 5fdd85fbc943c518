#!/usr/bin/env bash
# API fuzzing (SPEC §13: every refusal a clear message and a 4xx): schemathesis, from PyPI,
# generates requests from the server's own OpenAPI document for each role — anonymous, a guest,
# a member, a department admin, the company admin — against a real server on the demo
# organisation (SQLite, 127.0.0.1). The bar: no server error, no status the document does not
# list, no answer that breaks its schema, no content type it does not declare.
#
#   scripts/fuzz.sh            full run: 100 examples per operation, 10 minutes per role
#   scripts/fuzz.sh --smoke    CI: 10 examples per operation, 45 s per role
#   PARLEY_FUZZ_ROLES="department-admin" scripts/fuzz.sh     one role (or several)
#
# Logging out and revoking sessions are left out (they end the fuzzing session itself; the
# authorisation matrix covers them); the login endpoints are fuzzed as the anonymous role,
# last, because they spend the address's throttle budget.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/run-env.sh

examples=100 seconds=600
if [ "${1:-}" = --smoke ]; then examples=10 seconds=45; fi

venv="${PARLEY_FUZZ_VENV:-$HOME/.cache/parley/fuzz-venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi

cargo build -q -p parley-server
work="$(mktemp -d)"
port="$(free_port)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  # PARLEY_FUZZ_LOGS=<folder> keeps each role's schemathesis report, every request and answer
  # (<role>.har) and the server's log.
  if [ -n "${PARLEY_FUZZ_LOGS:-}" ]; then mkdir -p "$PARLEY_FUZZ_LOGS"; cp "$work"/*.log "$PARLEY_FUZZ_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export PARLEY_DATABASE_URL="sqlite://$work/parley.db" PARLEY_OUTBOX_DIR="$work/outbox"
export PARLEY_PUBLIC_URL="http://127.0.0.1:$port"
admin_code="$(target/debug/parley-server demo | awk '/activation code/ {print $3}')"
target/debug/parley-server serve --port "$port" > "$work/server.log" 2>&1 &
server_pid=$!
wait_health "$port"
api="http://127.0.0.1:$port"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
# The newest code the outbox holds for a phone number.
code_for() {
  for _ in $(seq 1 50); do
    newest="$(ls "$PARLEY_OUTBOX_DIR" 2>/dev/null | grep -- "-sms-$1-" | sort | tail -1 || true)"
    if [ -n "$newest" ]; then grep -oE '\b[0-9]{6}\b' "$PARLEY_OUTBOX_DIR/$newest" | head -1; return; fi
    sleep 0.1
  done
  echo "fuzz: no code for $1" >&2; exit 1
}
login() { # phone code first last
  local token
  token="$(curl -sf -X POST "$api/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"phone\":\"$1\",\"code\":\"$2\"}" | json '["token"]')"
  curl -sf -X POST "$api/api/v1/me/first-login" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"first_name\":\"$3\",\"last_name\":\"$4\",\"accept_terms\":true}" > /dev/null
  echo "$token"
}
new_user() { # phone first last: a New User code, then login
  curl -sf -X POST "$api/api/v1/auth/request-code" -H 'content-type: application/json' -d "{\"phone\":\"$1\"}" > /dev/null
  sleep 0.3
  login "$1" "$(code_for "$1")" "$2" "$3"
}

admin="$(login +12015550100 "$admin_code" Alice Martin)"
department_admin="$(new_user +12015550101 Bob Chen)"
member_phone="$(curl -sf "$api/api/v1/admin/members?limit=50" -H "authorization: Bearer $admin" | \
  python3 -c 'import json,sys; import re; print("+" + re.sub(r"\D", "", next(m["phone_display"] for m in json.load(sys.stdin)["rows"] if m["role"] == "member")))')"
member="$(new_user "$member_phone" Demo Member)"
curl -sf -X POST "$api/api/v1/invitations" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"first_name":"Fuzz","last_name":"Guest","email":"fuzz.guest@partner.example","phone":"+44 20 7946 0555","by_sms":true,"by_email":false,"details":""}' > /dev/null
guest="$(login +442079460555 "$(code_for +442079460555)" Fuzz Guest)"
# A group of every fuzzed role, written in last, so the ids the fuzzer reads back from the
# lists name a group (where the group operations run) rather than only a welcome conversation.
id_of() { # phone: the admin's contact with that number
  curl -sf "$api/api/v1/contacts" -H "authorization: Bearer $admin" | \
    python3 -c "import json,sys; print(next(c['id'] for c in json.load(sys.stdin)['contacts'] if c['phone'] == '$1'))"
}
group="$(curl -sf -X POST "$api/api/v1/conversations" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d "{\"kind\":\"group\",\"name\":\"Fuzz group\",\"member_ids\":[\"$(id_of "$member_phone")\",\"$(id_of +12015550101)\",\"$(id_of +442079460555)\"]}" | json '["id"]')"
curl -sf -X POST "$api/api/v1/conversations/$group/messages" -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"client_id":"fuzz-group-first-message","body":"Welcome to the fuzz group"}' > /dev/null
export PARLEY_FUZZ_GROUP="$group" SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"

failed=0
run() { # role token paths-left-out (a regex)
  local role="$1" token="$2" left_out="$3"
  # PARLEY_FUZZ_ROLES="guest member …" fuzzes only those roles.
  if [ -n "${PARLEY_FUZZ_ROLES:-}" ] && [[ " $PARLEY_FUZZ_ROLES " != *" $role "* ]]; then return 0; fi
  local auth=() report=()
  if [ -n "$token" ]; then auth=(-H "Authorization: Bearer $token"); fi
  if [ -n "${PARLEY_FUZZ_LOGS:-}" ]; then
    mkdir -p "$PARLEY_FUZZ_LOGS"; report=(--report har --report-har-path "$PARLEY_FUZZ_LOGS/$role.har")
  fi
  echo "== fuzz as $role: $examples examples per operation, at most ${seconds}s =="
  # One worker: schemathesis' workers are threads, and Debian 12's Python 3.11 builds ASTs
  # unsafely across threads (hypothesis parses lambdas' sources), which now and then ended a
  # run in "Runtime Error: AST constructor recursion depth mismatch" (CPython gh-106905).
  if ! "$venv/bin/schemathesis" run "$api/api/openapi.json" "${auth[@]}" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --phases examples,coverage,fuzzing --max-examples "$examples" --max-time "$seconds" --workers 1 \
      --seed 20261201 --exclude-path-regex "$left_out" "${report[@]}" > "$work/fuzz-$role.log" 2>&1; then
    failed=1
    grep -E '^_{3,}|Received|Documented|Schema|Server error|ST[0-9]+' "$work/fuzz-$role.log" | head -60 || true
  fi
  grep -E 'generated|passed|failures' "$work/fuzz-$role.log" | tail -2
}
signed_in='/auth/|revoke-sessions'
run guest "$guest" "$signed_in"
run member "$member" "$signed_in"
run department-admin "$department_admin" "$signed_in"
run company-admin "$admin" "$signed_in"
run anonymous "" 'auth/logout|revoke-sessions'

if grep -q "panicked" "$work/server.log"; then echo "fuzz: the server panicked" >&2; failed=1; fi
exit "$failed"
