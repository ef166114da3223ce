-- wrk script: person search, rotating over synthetic queries (exact names, one-letter
-- typos, full names, phone fragments) so the server cannot answer from one hot path.
paths = {}
local queries = {
  "smith", "smiht", "johnson", "jonhson", "garcia", "garsia",
  "nguyen", "ngyuen", "brown", "browne", "martinez", "martinex",
  "maria%20garcia", "james%20smith", "lee", "davis", "davsi",
  "555", "555-01", "0142", "testa", "quorrelby",
}
for _, q in ipairs(queries) do
  table.insert(paths, "/people?q=" .. q)
end

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")
