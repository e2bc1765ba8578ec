-- table.sort: n integers 1..2^31-2 from a Park-Miller generator, sorted 10
-- times (each time a copy of the unsorted array); prints a hash of the
-- sorted order (h = (31 h + x) mod 1000000007). Argument: n (default 100000).
local n = tonumber(arg and arg[1]) or 100000
local xs, seed = {}, 42
for i = 1, n do
  seed = seed * 16807 % 2147483647
  xs[i] = seed
end
local sorted
for _ = 1, 10 do
  sorted = table.move(xs, 1, n, 1, {})
  table.sort(sorted)
end
local h = 0
for i = 1, n do h = (h * 31 + sorted[i]) % 1000000007 end
print(h)
