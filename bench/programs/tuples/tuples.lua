-- Tuple churn: each of 10M steps builds a pair and a triple and takes both
-- apart again. A tuple is a table with array slots.
local function step(i, acc)
  local pair = {i, i % 3}
  local x, m = pair[1], pair[2]
  local a, b, c = acc[1], acc[2], acc[3]
  return {b + m, c, a + x}
end

local acc = {0, 0, 0}
for i = 0, 10000000 - 1 do
  acc = step(i, acc)
end
print(string.format("%d", acc[1]))
print(string.format("%d", acc[2]))
print(string.format("%d", acc[3]))
