-- wrk script: log a contact the way a coach submits the form from a phone (signed, dated now),
-- rotating over the people on the coach's caseload.
--
-- Env: MAINSTAY_COOKIE  full Cookie header value for a signed-in session (see common.lua)
--      MAINSTAY_CSRF    the session's CSRF token
--      MAINSTAY_PEOPLE  person ids on the coach's caseload, separated by spaces
--
-- A saved contact answers 303 (to the person's coaching page, or to the note when a guardrail
-- warned); anything else, or a redirect to /login, counts as a bad response.
paths = {}
for id in string.gmatch(os.getenv("MAINSTAY_PEOPLE") or "", "[%x-]+") do
  table.insert(paths, "/people/" .. id .. "/contacts")
end
if #paths == 0 then
  error("MAINSTAY_PEOPLE is not set")
end
local csrf = os.getenv("MAINSTAY_CSRF")
if csrf == nil or csrf == "" then
  error("MAINSTAY_CSRF is not set")
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local body = "csrf_token=" .. csrf
  .. "&occurred_on=&occurred_time=&minutes=45&mode=face-to-face&setting=recovery-centre"
  .. "&activities=coaching&activities=linking"
  .. "&note=Met+at+the+centre.+Talked+through+the+week+and+the+job+application.+Meeting+again+next+week."
  .. "&sign=sign"

local n = 0

function init(args)
  n = id or 0
end

function request()
  n = n + 1
  return wrk.format("POST", paths[(n % #paths) + 1], nil, body)
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 303 or location:find("/login", 1, true) then
    non2xx = non2xx + 1
    if first_bad_status == 0 then first_bad_status = status end
  end
end
