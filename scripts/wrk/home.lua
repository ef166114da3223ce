-- wrk script: the signed-in home page.
paths = { "/" }

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
