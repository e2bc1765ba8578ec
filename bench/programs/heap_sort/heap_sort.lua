-- Heap sort through a priority queue: a persistent leftist heap of records
-- {priority, sequence number}, ordered by a comparison closure (it
-- captures the direction). n records with priorities 0..999 from a
-- Park-Miller generator go in, then come out in order; done twice,
-- ascending and descending priority (ties by sequence number either way).
-- Prints a hash of each output order (h = (31 h + priority) mod
-- 1000000007, then the same with the sequence number). Heap nodes are
-- tables {rank, record, left, right}, the empty heap nil.
-- Argument: n (default 100000).
local n = tonumber(arg and arg[1]) or 100000
local P = 1000000007

local function rank(heap)
  if heap == nil then return 0 end
  return heap[1]
end

local function merge(less, a, b)
  if a == nil then return b end
  if b == nil then return a end
  if less(b[2], a[2]) then a, b = b, a end
  local merged = merge(less, a[4], b)
  local left = a[3]
  if rank(left) >= rank(merged) then return {rank(merged) + 1, a[2], left, merged} end
  return {rank(left) + 1, a[2], merged, left}
end

local function sort_hash(less, n)
  local heap, seed = nil, 42
  for seq = 0, n - 1 do
    seed = seed * 16807 % 2147483647
    heap = merge(less, {1, {seed % 1000, seq}, nil, nil}, heap)
  end
  local h = 0
  while heap ~= nil do
    local record = heap[2]
    h = (h * 31 + record[1]) % P
    h = (h * 31 + record[2]) % P
    heap = merge(less, heap[3], heap[4])
  end
  return h
end

local function by_priority(direction)
  return function(a, b)
    local pa, pb = a[1] * direction, b[1] * direction
    return pa < pb or (pa == pb and a[2] < b[2])
  end
end

print(string.format("%d", sort_hash(by_priority(1), n)))
print(string.format("%d", sort_hash(by_priority(-1), n)))
