-- wrk script: a facilitator opening the attendance page of their groups' sessions (the page they
-- take attendance on from a phone), rotating over recent sessions.
--
-- Env: MAINSTAY_COOKIE    full Cookie header value for the facilitator's session (see common.lua)
--      MAINSTAY_SESSIONS  attendance page paths (/groups/<id>/sessions/<id>), separated by spaces
paths = {}
for path in string.gmatch(os.getenv("MAINSTAY_SESSIONS") or "", "%S+") do
  table.insert(paths, path)
end
if #paths == 0 then
  error("MAINSTAY_SESSIONS is not set")
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
