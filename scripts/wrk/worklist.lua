-- wrk script: the signed-in coach's caseload and worklist page.
-- Env: WORKLIST_PATH  the page (default /caseload).
paths = { os.getenv("WORKLIST_PATH") or "/caseload" }

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
