#!/usr/bin/env bash
# Load check on SQLite with a 50 000-person demo dataset (release build) whose contacts are then
# topped up to 2 000 000 (older copies of the demo's year, written by the binary itself):
#   demo command < 30 s, idle RSS < 60 MB,
#   person search p95 < 30 ms and signed-in home page p95 < 20 ms at 50 connections; intake queue /
#   waiting list p95 < 30 ms and a coach's caseload and worklist page p95 < 30 ms at 10 connections
#   (ten staff reloading without pause, far above a real team), with the 50-connection figures
#   printed for information; the log-a-contact round trip (the form, signed) p95 < 25 ms at 2
#   connections: two coaches saving at the same instant, continuously (hundreds of contacts a
#   second; a 50 000-person organisation logs a few a second at its busiest). SQLite takes one
#   writer at a time, so at 10 connections that figure is mostly queueing; it is printed too.
#   A group facilitator's attendance page (/groups/<id>/sessions/<id>, the roster with marks,
#   the log and check-out summary) p95 < 25 ms at 10 connections, over the sessions of the
#   facilitator's groups that the demo stored for the past year.
#   Resource directory search (/directory, need words with synonyms and typos, a language, free or
#   low cost, open now, near a place) over 20 000 services (the demo's directory topped up by the
#   binary itself) p95 < 40 ms at 10 connections; the 50-connection figure is printed for information.
# Exits non-zero if any target is missed. Only talks to 127.0.0.1; fixed durations.
#
# Env (optional): MAINSTAY_BIN  use this binary and skip `cargo build --release`
#                 CARGO_TARGET_DIR  honoured when locating the release binary
#                 WORKLIST_PATH  the coach's caseload and worklist page (default /caseload)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

PEOPLE=50000
CONTACTS=2000000
DIRECTORY_SERVICES=20000
SEED=7
# One wrk thread drives 50 connections easily; on a 2-core machine a second one only takes CPU from
# the server being measured.
THREADS=1
CONNECTIONS=50
INTAKE_CONNECTIONS=10
# Coaches reloading their worklist without pause; coaches saving contacts without pause.
COACH_CONNECTIONS=10
CONTACT_CONNECTIONS=2
# Facilitators opening attendance pages without pause.
ATTENDANCE_CONNECTIONS=10
# Staff searching the directory without pause.
DIRECTORY_CONNECTIONS=10
DURATION=20s
WORKLIST_PATH="${WORKLIST_PATH:-/caseload}"

# Targets (ms / MB / s)
TARGET_SEARCH_P95=30
TARGET_HOME_P95=20
TARGET_INTAKE_P95=30
TARGET_WORKLIST_P95=30
TARGET_CONTACT_P95=25
TARGET_ATTENDANCE_P95=25
TARGET_DIRECTORY_P95=40
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

section "top up to $CONTACTS contacts"
# Run again on the same database: the demo is there, so the binary only copies its contacts a year
# further back per round (one INSERT … SELECT each) until there are $CONTACTS. JSON log lines keep
# the count easy to read.
start=$(date +%s.%N)
MAINSTAY_DEMO_TOP_UP_CONTACTS="$CONTACTS" "$BIN" --log-json demo --people "$PEOPLE" --seed "$SEED" --database "$DB" \
  | tee "$TMP/top-up.txt"
end=$(date +%s.%N)
TOP_UP_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
CONTACTS_NOW="$(grep -o '"after":[0-9]*' "$TMP/top-up.txt" | tail -n 1 | cut -d: -f2)"
[ -n "$CONTACTS_NOW" ] && [ "$CONTACTS_NOW" -ge "$CONTACTS" ] \
  || die "top-up left ${CONTACTS_NOW:-no} contacts (wanted $CONTACTS)"
echo "$CONTACTS_NOW contacts after ${TOP_UP_S}s"

section "top up the directory to $DIRECTORY_SERVICES services"
# Again on the same database: the binary adds services from the demo's synthetic directory
# generator (the demo's own services stay as they are) and indexes them for search.
start=$(date +%s.%N)
MAINSTAY_DEMO_DIRECTORY_SERVICES="$DIRECTORY_SERVICES" "$BIN" --log-json demo --people "$PEOPLE" --seed "$SEED" \
  --database "$DB" | tee "$TMP/directory-top-up.txt"
end=$(date +%s.%N)
DIRECTORY_TOP_UP_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
SERVICES_NOW="$(grep -o '"after":[0-9]*' "$TMP/directory-top-up.txt" | tail -n 1 | cut -d: -f2)"
[ -n "$SERVICES_NOW" ] && [ "$SERVICES_NOW" -ge "$DIRECTORY_SERVICES" ] \
  || die "directory top-up left ${SERVICES_NOW:-no} services (wanted $DIRECTORY_SERVICES)"
echo "$SERVICES_NOW directory services after ${DIRECTORY_TOP_UP_S}s"

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

# Signs in as $1 with its own cookie jar $2 and prints the Cookie header value for that session.
sign_in() {
  local email=$1 jar=$2 login_html csrf result cookie
  login_html="$(curl -fsS -c "$jar" -b "$jar" "$BASE/login")"
  # The hidden input's attribute order is not fixed: isolate the tag, then its value.
  csrf="$(grep -o '<input[^>]*name="csrf_token"[^>]*>' <<<"$login_html" | head -n 1 \
    | sed -n 's/.*value="\([^"]*\)".*/\1/p')"
  [ -n "$csrf" ] || die "no csrf_token hidden input on /login"
  result="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "email=$email" \
    --data-urlencode "password=mainstay-demo" \
    --data-urlencode "csrf_token=$csrf" \
    "$BASE/login")"
  case "$result" in
    30[0-9]\ *) [[ "$result" != *"/login"* ]] || die "sign-in as $email redirected back to /login ($result)" ;;
    *) die "sign-in as $email did not redirect (got: $result)" ;;
  esac
  # Send every cookie in the jar: the session cookie may be renamed/rotated at sign-in.
  # (curl writes HttpOnly cookies as "#HttpOnly_domain ..." lines; they are not comments.)
  cookie="$(awk -F'\t' '
    /^#HttpOnly_/ { sub(/^#HttpOnly_/, "") }
    /^#/ || NF < 7 { next }
    { out = out (out == "" ? "" : "; ") $6 "=" $7 }
    END { print out }' "$jar")"
  [ -n "$cookie" ] || die "no cookies after signing in as $email"
  printf '%s' "$cookie"
}

section "sign in as coach@demo.example"
COOKIE="$(sign_in coach@demo.example "$TMP/cookies.txt")"
export MAINSTAY_COOKIE="$COOKIE"
for path in / "/people?q=smith" /intake /waiting-list; do
  code="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$path")"
  [ "$code" = 200 ] || die "GET $path with session cookie returned $code (expected 200)"
done
echo "signed in; session cookie works"

# The coach's own caseload and worklist; before that page existed the home page showed the worklist.
code="$(curl -s -o "$TMP/worklist.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$WORKLIST_PATH")"
if [ "$code" = 404 ] && [ "$WORKLIST_PATH" != / ]; then
  echo "warning: GET $WORKLIST_PATH is 404; measuring the worklist on / instead" >&2
  WORKLIST_PATH=/
  code="$(curl -s -o "$TMP/worklist.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE$WORKLIST_PATH")"
fi
[ "$code" = 200 ] || die "GET $WORKLIST_PATH returned $code (expected 200)"
export WORKLIST_PATH
# People on the coach's caseload, from the links on that page.
PEOPLE_IDS="$(grep -o '/people/[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}' "$TMP/worklist.html" \
  | sort -u | cut -d/ -f3 | tr '\n' ' ')"
[ -n "$PEOPLE_IDS" ] || die "no people linked from $WORKLIST_PATH"
export MAINSTAY_PEOPLE="$PEOPLE_IDS"
FIRST_PERSON="${PEOPLE_IDS%% *}"
# The session's CSRF token, from the log-a-contact form.
FORM_HTML="$(curl -fsS -H "Cookie: $COOKIE" "$BASE/people/$FIRST_PERSON/contacts/new")" \
  || die "GET /people/$FIRST_PERSON/contacts/new failed"
MAINSTAY_CSRF="$(grep -o '<input[^>]*name="csrf_token"[^>]*>' <<<"$FORM_HTML" | head -n 1 \
  | sed -n 's/.*value="\([^"]*\)".*/\1/p')"
[ -n "$MAINSTAY_CSRF" ] || die "no csrf_token hidden input on the log-a-contact form"
export MAINSTAY_CSRF
POST_RESULT="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Cookie: $COOKIE" \
  --data-urlencode "csrf_token=$MAINSTAY_CSRF" --data-urlencode "minutes=30" --data-urlencode "mode=phone" \
  --data-urlencode "setting=remote" --data-urlencode "activities=coaching" \
  --data-urlencode "note=Phone check-in before the load run." --data-urlencode "sign=sign" \
  "$BASE/people/$FIRST_PERSON/contacts")"
case "$POST_RESULT" in
  303\ *) [[ "$POST_RESULT" != *"/login"* ]] || die "logging a contact redirected to /login ($POST_RESULT)" ;;
  *) die "logging a contact did not answer 303 (got: $POST_RESULT)" ;;
esac
echo "worklist at $WORKLIST_PATH; $(wc -w <<<"$PEOPLE_IDS") people on the caseload; logging a contact works"

section "sign in as facilitator@demo.example"
FACILITATOR_COOKIE="$(sign_in facilitator@demo.example "$TMP/facilitator-cookies.txt")"
# The stored sessions of the facilitator's groups, linked from their 12-month schedule (its newest
# 60: the attendance pages a facilitator opens, in the past year).
code="$(curl -s -o "$TMP/schedule.html" -w '%{http_code}' -H "Cookie: $FACILITATOR_COOKIE" \
  "$BASE/groups/evidence/schedule")"
[ "$code" = 200 ] || die "GET /groups/evidence/schedule as the facilitator returned $code (expected 200)"
SESSION_PATHS="$(grep -o '/groups/[0-9a-f-]\{36\}/sessions/[0-9a-f-]\{36\}' "$TMP/schedule.html" \
  | awk '!seen[$0]++' | tail -n 60 | tr '\n' ' ')"
[ -n "$SESSION_PATHS" ] || die "no stored sessions linked from the facilitator's schedule"
FIRST_SESSION="${SESSION_PATHS%% *}"
code="$(curl -s -o "$TMP/attendance.html" -w '%{http_code}' -H "Cookie: $FACILITATOR_COOKIE" "$BASE$FIRST_SESSION")"
[ "$code" = 200 ] || die "GET $FIRST_SESSION as the facilitator returned $code (expected 200)"
grep -q 'name="csrf_token"' "$TMP/attendance.html" || die "$FIRST_SESSION has no attendance form"
export MAINSTAY_SESSIONS="$SESSION_PATHS"
echo "$(wc -w <<<"$SESSION_PATHS") attendance pages of the facilitator's groups"

section "directory search as coach@demo.example"
# The first search loads the search index into memory; it is not part of the measurement.
start=$(date +%s.%N)
code="$(curl -s -o "$TMP/directory.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/directory?q=food")"
end=$(date +%s.%N)
[ "$code" = 200 ] || die "GET /directory?q=food returned $code (expected 200)"
grep -q 'href="/directory/[0-9a-f-]\{36\}' "$TMP/directory.html" || die "GET /directory?q=food lists no resources"
for query in "q=foood" "q=food&language=es&free=on&lat=43.6615&lon=-70.2553&within=5" "q=detox&open_now=on"; do
  code="$(curl -s -o "$TMP/directory-check.html" -w '%{http_code}' -H "Cookie: $COOKIE" "$BASE/directory?$query")"
  [ "$code" = 200 ] || die "GET /directory?$query returned $code (expected 200)"
  grep -q 'href="/directory/[0-9a-f-]\{36\}' "$TMP/directory-check.html" || die "GET /directory?$query lists no resources"
done
echo "directory search answers (first search, loading the index: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')s)"

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
run_wrk worklist "$ROOT/scripts/wrk/worklist.lua" "$WORKLIST_PATH" "$COACH_CONNECTIONS"
WORKLIST_RESULT="$RESULT"
run_wrk worklist-saturated "$ROOT/scripts/wrk/worklist.lua" "$WORKLIST_PATH"
WORKLIST_SATURATED="$RESULT"
MAINSTAY_COOKIE="$FACILITATOR_COOKIE" run_wrk attendance "$ROOT/scripts/wrk/attendance.lua" "$FIRST_SESSION" \
  "$ATTENDANCE_CONNECTIONS"
ATTENDANCE_RESULT="$RESULT"
run_wrk directory "$ROOT/scripts/wrk/directory.lua" /directory "$DIRECTORY_CONNECTIONS"
DIRECTORY_RESULT="$RESULT"
run_wrk directory-saturated "$ROOT/scripts/wrk/directory.lua" /directory
DIRECTORY_SATURATED="$RESULT"
# Last: every request adds a contact.
run_wrk contact "$ROOT/scripts/wrk/contact.lua" "/people/$FIRST_PERSON/contacts" "$CONTACT_CONNECTIONS"
CONTACT_RESULT="$RESULT"
run_wrk contact-saturated "$ROOT/scripts/wrk/contact.lua" "/people/$FIRST_PERSON/contacts" "$COACH_CONNECTIONS"
CONTACT_SATURATED="$RESULT"
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
row "top-up to $CONTACTS_NOW contacts (info)" "$TOP_UP_S s" "" ""
row "top-up to $SERVICES_NOW services (info)" "$DIRECTORY_TOP_UP_S s" "" ""
check "idle RSS" "$IDLE_RSS_MB" "$TARGET_IDLE_RSS_MB" MB
for kind in search home intake worklist attendance directory contact; do
  case "$kind" in
    search) r="$SEARCH" target=$TARGET_SEARCH_P95 ;;
    home) r="$HOME_RESULT" target=$TARGET_HOME_P95 ;;
    intake) r="$INTAKE_RESULT" target=$TARGET_INTAKE_P95 ;;
    worklist) r="$WORKLIST_RESULT" target=$TARGET_WORKLIST_P95 ;;
    attendance) r="$ATTENDANCE_RESULT" target=$TARGET_ATTENDANCE_P95 ;;
    directory) r="$DIRECTORY_RESULT" target=$TARGET_DIRECTORY_P95 ;;
    contact) r="$CONTACT_RESULT" target=$TARGET_CONTACT_P95 ;;
  esac
  check "$kind p95" "$(field "$r" p95_ms)" "$target" ms
  row "$kind p50 / p99" "$(field "$r" p50_ms) ms" "" "$(field "$r" p99_ms) ms p99"
  row "$kind throughput" "$(field "$r" rps) rps" "" ""
  if [ "$kind" = contact ]; then bad="not 303 or to /login"; else bad="non-2xx"; fi
  check_zero "$kind $bad responses" "$(field "$r" non2xx)"
  check_zero "$kind socket errors" "$(field "$r" errors)"
done
row "intake p95 at $CONNECTIONS conn (info)" "$(field "$INTAKE_SATURATED" p95_ms) ms" "" "$(field "$INTAKE_SATURATED" rps) rps"
row "worklist p95 at $CONNECTIONS conn (info)" "$(field "$WORKLIST_SATURATED" p95_ms) ms" "" "$(field "$WORKLIST_SATURATED" rps) rps"
row "directory p95 at $CONNECTIONS conn (info)" "$(field "$DIRECTORY_SATURATED" p95_ms) ms" "" "$(field "$DIRECTORY_SATURATED" rps) rps"
row "contact p95 at $COACH_CONNECTIONS conn (info)" "$(field "$CONTACT_SATURATED" p95_ms) ms" "" "$(field "$CONTACT_SATURATED" rps) rps"
row "RSS after load (info)" "$LOADED_RSS_MB MB" "" ""

if [ "$failed" -ne 0 ]; then
  echo
  echo "FAILED: at least one target missed" >&2
  exit 1
fi
echo
echo "all targets met"
