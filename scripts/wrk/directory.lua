-- wrk script: the resource directory search page (/directory), rotating over what staff look
-- for: need words (including synonyms such as "food" for a pantry and "lawyer" for legal aid,
-- and typos), a language filter, free or low cost, open now, and distance from a place given by
-- latitude and longitude (around Port Alder, the synthetic directory's city), alone and combined.
paths = {}
local searches = {
  "q=food", "q=pantry", "q=detox", "q=dentist", "q=lawyer", "q=shelter", "q=housing", "q=job",
  "q=recovery%20meeting", "q=bus%20pass", "q=medication%20for%20opioid%20use",
  -- typos
  "q=foood", "q=dentel", "q=shleter", "q=expungment",
  -- a language
  "q=food&language=es", "q=counseling&language=es", "q=housing&language=fr", "language=vi",
  -- free or low cost, open now
  "q=meals&free=on", "q=dental&free=on", "free=on&language=es",
  "q=detox&open_now=on", "q=crisis&open_now=on", "q=food&open_now=on&free=on",
  -- near a place
  "q=food&lat=43.6615&lon=-70.2553&within=5", "q=treatment&lat=43.68&lon=-70.30&within=10&language=es",
  "q=food%20pantry&language=es&free=on&lat=43.65&lon=-70.24", "lat=43.66&lon=-70.25&within=2",
  "q=legal%20aid&lat=43.70&lon=-70.20", "q=job&page=2",
}
for _, s in ipairs(searches) do
  table.insert(paths, "/directory?" .. s)
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
