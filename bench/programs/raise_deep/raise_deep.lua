-- Raise and catch 10 frames deep: 1M times, a pcall around a call that
-- recurses 10 frames (non-tail) and raises an error there.
local function deep(n)
  if n == 0 then error("bottom") end
  return deep(n - 1) + 1
end
local count = 0
for i = 1, 1000000 do
  local ok = pcall(deep, 10)
  if not ok then count = count + 1 end
end
print(string.format("%d", count))
