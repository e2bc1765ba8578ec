-- The cost of a protected call: n additions (default 10M), each inside a
-- pcall (Lua's try); the error path is never taken. Argument: n.
local n = tonumber(arg and arg[1]) or 10000000
local function add(a, b) return a + b end
local acc = 0
for i = 0, n - 1 do
  local ok, v = pcall(add, acc, i)
  if ok then acc = v else acc = 0 end
end
print(string.format("%d", acc))
