-- Shared wrk logic for scripts/load.sh. The including script defines `paths`
-- (a list of request paths) before loading this file.
--
-- Env: MAINSTAY_COOKIE  full Cookie header value for a signed-in session.
--
-- done() prints one machine-readable line that load.sh parses:
--   RESULT p50_ms=.. p95_ms=.. p99_ms=.. rps=.. requests=.. non2xx=.. errors=..

local cookie = os.getenv("MAINSTAY_COOKIE")
if cookie == nil or cookie == "" then
  error("MAINSTAY_COOKIE is not set")
end
wrk.headers["Cookie"] = cookie

-- main-state bookkeeping: keep the thread handles so done() can read their counters
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- per-thread state
local counter = 0
non2xx = 0
first_bad_status = 0

function init(args)
  -- Start threads at different offsets so they do not request the same path in lockstep.
  counter = id or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

-- wrk's own "Non-2xx or 3xx" count treats redirects as fine; a redirect here means the
-- session was lost (bounced to /login), so count everything outside 2xx.
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad_status == 0 then first_bad_status = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    if first == 0 then first = t:get("first_bad_status") or 0 end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f rps=%.1f requests=%d non2xx=%d first_bad_status=%d errors=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / seconds, summary.requests, bad, first, errors))
end
