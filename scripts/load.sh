#!/usr/bin/env bash
# Load check on SQLite with a 50 000-person demo dataset (release build):
#   demo command < 30 s, idle RSS < 60 MB,
#   person search p95 < 30 ms and signed-in home page p95 < 20 ms at 50 connections; intake queue /
#   waiting list p95 < 30 ms at 10 connections (ten staff reloading without pause, far above a real
#   intake team), with the 50-connection figures printed for information.
# Exits non-zero if any target is missed. Only talks to 127.0.0.1; fixed durations.
#
# Env (optional): MAINSTAY_BIN  use this binary and skip `cargo build --release`
#                 CARGO_TARGET_DIR  honoured when locating the release binary
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

PEOPLE=50000
SEED=7
# One wrk thread drives 50 connections easily; on a 2-core machine a second one only takes CPU from
# the server being measured.
THREADS=1
CONNECTIONS=50
INTAKE_CONNECTIONS=10
DURATION=20s

# Targets (ms / MB / s)
TARGET_SEARCH_P95=30
TARGET_HOME_P95=20
TARGET_INTAKE_P95=30
TARGET_IDLE_RSS_MB=60
TARGET_DEMO_S=30

section() { printf '\n== %s ==\n' "$*"; }
die() { echo "error: $*" >&2; exit 1; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; } # float a < b

for tool in curl wrk awk; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install $tool)"
done

if [ -n "${MAINSTAY_BIN:-}" ]; then
  BIN="$MAINSTAY_BIN"
else
  section "cargo build --release"
  cargo build --release
  BIN="${CARGO_TARGET_DIR:-target}/release/mainstay"
fi
[ -x "$BIN" ] || die "binary not found: $BIN"

TMP="$(mktemp -d /tmp/mainstay-load.XXXXXX)"
SERVER_PID=""
cleanup() {
  status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$TMP/server.log" ]; then
    echo "--- last lines of server log ---" >&2
    tail -n 30 "$TMP/server.log" >&2
  fi
  rm -rf "$TMP"
  exit "$status"
}
trap cleanup EXIT

DB="sqlite://$TMP/load.db"

section "mainstay demo --people $PEOPLE"
start=$(date +%s.%N)
"$BIN" demo --people "$PEOPLE" --seed "$SEED" --database "$DB"
end=$(date +%s.%N)
DEMO_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "demo took ${DEMO_S}s"

section "mainstay serve"
# First free port from 18080 up (bash /dev/tcp probe: success means something listens).
PORT=18080
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
  PORT=$((PORT + 1))
  [ "$PORT" -lt 18200 ] || die "no free port"
done
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --listen "127.0.0.1:$PORT" --database "$DB" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 600); do
  kill -0 "$SERVER_PID" 2>/dev/null || die "server exited during startup"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true)" = 200 ] && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/healthz" || true)" = 200 ] \
  || die "GET /healthz not 200 within 60 s"
echo "listening on $BASE (pid $SERVER_PID)"

sleep 3
IDLE_RSS_MB=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
echo "idle RSS ${IDLE_RSS_MB} MB"

section "sign in as coach@demo.example"
JAR="$TMP/cookies.txt"
LOGIN_HTML="$(curl -fsS -c "$JAR" -b "$JAR" "$BASE/login")"
# The hidden input's attribute order is not fixed: isolate the tag, then its value.
CSRF="$(grep -o '<input[^>]*name="csrf_token"[^>]*>' <<<"$LOGIN_HTML" | head -n 1 \
  | sed -n 's/.*value="\([^"]*\)".*/\1/p')"
[ -n "$CSRF" ] || die "no csrf_token hidden input on /login"
LOGIN_RESULT="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$JAR" -b "$JAR" \
  --data-urlencode "email=coach@demo.example" \
  --data-urlencode "password=mainstay-demo" \
  --data-urlencode "csrf_token=$CSRF" \
  "$BASE/login")"
case "$LOGIN_RESULT" in
  30[0-9]\ *) [[ "$LOGIN_RESULT" != *"/login"* ]] || die "sign-in redirected back to /login ($LOGIN_RESULT)" ;;
  *) die "sign-in did not redirect (got: $LOGIN_RESULT)" ;;
esac
# Send every cookie in the jar: the session cookie may be renamed/rotated at sign-in.
# (curl writes HttpOnly cookies as "#HttpOnly_domain ..." lines; they are not comments.)
COOKIE="$(awk -F'\t' '
  /^#HttpOnly_/ { sub(/^#HttpOnly_/, "") }
  /^#/ || NF < 7 { next }
  { out = out (out == "" ? "" : "; ") $6 "=" $7 }
  END { print out }' "$JAR")"
[ -n "$COOKIE" ] || die "no cookies after sign-in"
export MAINSTAY_COOKIE="$COOKIE"
for path in / "/people?q=smith" /intake /waiting-list; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")"
  [ "$code" = 200 ] || die "GET $path with session cookie returned $code (expected 200)"
done
echo "signed in; session cookie works"

# Run wrk with a Lua script (output stays visible) and keep its RESULT line in $RESULT.
run_wrk() {
  local name=$1 script=$2 path=$3 connections=${4:-$CONNECTIONS}
  section "wrk $name: -t$THREADS -c$connections -d$DURATION"
  wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency -s "$script" "$BASE$path" | tee "$TMP/wrk-$name.txt"
  RESULT="$(grep '^RESULT ' "$TMP/wrk-$name.txt" | tail -n 1 || true)"
  [ -n "$RESULT" ] || die "wrk $name produced no RESULT line"
}
# Value of key=... from a RESULT line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

run_wrk search "$ROOT/scripts/wrk/search.lua" /people
SEARCH="$RESULT"
run_wrk home "$ROOT/scripts/wrk/home.lua" /
HOME_RESULT="$RESULT"
run_wrk intake "$ROOT/scripts/wrk/intake.lua" /intake "$INTAKE_CONNECTIONS"
INTAKE_RESULT="$RESULT"
run_wrk intake-saturated "$ROOT/scripts/wrk/intake.lua" /intake
INTAKE_SATURATED="$RESULT"
LOADED_RSS_MB=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")

section "summary"
failed=0
row() { # name measured target ok?
  printf '%-28s %12s %12s   %s\n' "$1" "$2" "$3" "$4"
}
check() { # name measured target unit
  local verdict=PASS
  { [ -n "$2" ] && lt "$2" "$3"; } || { verdict=FAIL; failed=1; }
  row "$1" "$2 $4" "< $3 $4" "$verdict"
}
check_zero() { # name count
  local verdict=PASS
  [ "$2" = 0 ] || { verdict=FAIL; failed=1; }
  row "$1" "$2" "0" "$verdict"
}
row "check" "measured" "target" "result"
row "----------------------------" "------------" "------------" "------"
check "demo --people $PEOPLE" "$DEMO_S" "$TARGET_DEMO_S" s
check "idle RSS" "$IDLE_RSS_MB" "$TARGET_IDLE_RSS_MB" MB
for kind in search home intake; do
  case "$kind" in
    search) r="$SEARCH" target=$TARGET_SEARCH_P95 ;;
    home) r="$HOME_RESULT" target=$TARGET_HOME_P95 ;;
    intake) r="$INTAKE_RESULT" target=$TARGET_INTAKE_P95 ;;
  esac
  check "$kind p95" "$(field "$r" p95_ms)" "$target" ms
  row "$kind p50 / p99" "$(field "$r" p50_ms) ms" "" "$(field "$r" p99_ms) ms p99"
  row "$kind throughput" "$(field "$r" rps) rps" "" ""
  check_zero "$kind non-2xx responses" "$(field "$r" non2xx)"
  check_zero "$kind socket errors" "$(field "$r" errors)"
done
row "intake p95 at $CONNECTIONS conn (info)" "$(field "$INTAKE_SATURATED" p95_ms) ms" "" "$(field "$INTAKE_SATURATED" rps) rps"
row "RSS after load (info)" "$LOADED_RSS_MB MB" "" ""

if [ "$failed" -ne 0 ]; then
  echo
  echo "FAILED: at least one target missed" >&2
  exit 1
fi
echo
echo "all targets met"
