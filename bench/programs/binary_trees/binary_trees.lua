-- Binary trees (the Computer Language Benchmarks Game algorithm): allocate
-- and walk many short-lived perfect binary trees next to a long-lived one.
-- A node is a table {left, right}; every leaf is one shared {false, false}
-- (the other systems' leaf is a constant too). Prints the check counts only:
-- the stretch tree, each depth's total, the long-lived tree.
local MIN_DEPTH, MAX_DEPTH = 4, 16
local LEAF = {false, false}

local function make(depth)
  if depth == 0 then return LEAF end
  return {make(depth - 1), make(depth - 1)}
end

local function check(tree)
  local left = tree[1]
  if not left then return 1 end
  return 1 + check(left) + check(tree[2])
end

print(string.format("%d", check(make(MAX_DEPTH + 1))))
local long_lived = make(MAX_DEPTH)
for depth = MIN_DEPTH, MAX_DEPTH, 2 do
  local iterations = 2 ^ (MAX_DEPTH - depth + MIN_DEPTH)
  local total = 0
  for _ = 1, iterations do
    total = total + check(make(depth))
  end
  print(string.format("%d", total))
end
print(string.format("%d", check(long_lived)))
