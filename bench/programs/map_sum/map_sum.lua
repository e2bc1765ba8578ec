-- Build a 1M-entry map (k -> 2k for k < 1M), then look up every key and sum.
-- Lua's table is its map: mutable, updated in place.
local n = 1000000
local map = {}
for k = 0, n - 1 do
  map[k] = k * 2
end
local acc = 0
for k = 0, n - 1 do
  acc = acc + map[k]
end
print(string.format("%d", acc))
