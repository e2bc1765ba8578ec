-- Build a 10M-element cons list, reverse it, sum it. A cons cell is a
-- two-slot table {head, tail}; the empty list is `false`.
local function build(n)
  local list = false
  for i = n - 1, 0, -1 do
    list = {i, list}
  end
  return list
end

local function reverse(list)
  local out = false
  while list do
    out = {list[1], out}
    list = list[2]
  end
  return out
end

local function sum(list)
  local acc = 0
  while list do
    acc = acc + list[1]
    list = list[2]
  end
  return acc
end

local reversed = reverse(build(10000000))
print(string.format("%d", reversed[1]))
print(string.format("%d", sum(reversed)))
