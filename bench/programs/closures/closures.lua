-- Closures: make closures, map a composed closure over a 1M-element cons
-- list ({head, tail} tables, `false` is empty) and fold the result with a
-- two-argument closure, 5 passes.
local N, PASSES = 1000000, 5

local function make_adder(k) return function(x) return x + k end end
local function make_doubler() return function(x) return x * 2 end end
local function compose(f, g) return function(x) return f(g(x)) end end
local function make_weigher(w) return function(acc, x) return acc + x * w end end

local function build(n)
  local list = false
  for i = n - 1, 0, -1 do list = {i, list} end
  return list
end

-- Maps f over list; the result comes out reversed (no reverse pass needed).
local function map_rev(f, list)
  local out = false
  while list do
    out = {f(list[1]), out}
    list = list[2]
  end
  return out
end

local function fold(f, acc, list)
  while list do
    acc = f(acc, list[1])
    list = list[2]
  end
  return acc
end

local list = build(N)
local total = 0
for pass = 1, PASSES do
  local mapped = map_rev(compose(make_adder(pass), make_doubler()), list)
  total = total + fold(make_weigher(pass % 3 + 1), 0, mapped)
end
print(string.format("%d", total))
