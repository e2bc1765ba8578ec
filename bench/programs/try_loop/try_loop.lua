-- The cost of a protected call: 10M iterations, each adding inside a
-- pcall (Lua's try); the error path is never taken.
local function add(a, b) return a + b end
local n = 10000000
local acc = 0
for i = 0, n - 1 do
  local ok, v = pcall(add, acc, i)
  if ok then acc = v else acc = 0 end
end
print(string.format("%d", acc))
