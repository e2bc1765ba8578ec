-- Raise and catch 10 frames deep: n times (default 1M), a pcall around a
-- call that recurses 10 frames (non-tail) and raises an error there; the
-- handler counts it. Argument: n.
local n = tonumber(arg and arg[1]) or 1000000
local function deep(k)
  if k == 0 then error("bottom") end
  return deep(k - 1) + 1
end
local caught = 0
for _ = 1, n do
  local ok = pcall(deep, 10)
  if not ok then caught = caught + 1 end
end
print(string.format("%d", caught))
