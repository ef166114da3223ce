-- wrk script: the intake queue and the waiting list, alternately.
paths = { "/intake", "/waiting-list" }

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
