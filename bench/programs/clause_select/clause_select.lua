-- Clause selection: a `case` over 20 atoms (weight, an if-chain over
-- interned strings, as a compiler of a pattern-matching language emits
-- for Lua) and a function head matching 6 tuple shapes (area: the
-- length, then the tag), called for each of n values taken round-robin.
local function weight(a)
  if a == "a01" then return 1
  elseif a == "a02" then return 2
  elseif a == "a03" then return 3
  elseif a == "a04" then return 4
  elseif a == "a05" then return 5
  elseif a == "a06" then return 6
  elseif a == "a07" then return 7
  elseif a == "a08" then return 8
  elseif a == "a09" then return 9
  elseif a == "a10" then return 10
  elseif a == "a11" then return 11
  elseif a == "a12" then return 12
  elseif a == "a13" then return 13
  elseif a == "a14" then return 14
  elseif a == "a15" then return 15
  elseif a == "a16" then return 16
  elseif a == "a17" then return 17
  elseif a == "a18" then return 18
  elseif a == "a19" then return 19
  elseif a == "a20" then return 20
  end
  error("function_clause")
end

local function area(s)
  local n, t = #s, s[1]
  if n == 2 then
    if t == "circle" then return 3 * s[2] elseif t == "square" then return s[2] * s[2] end
  elseif n == 3 then
    if t == "rect" then return s[2] * s[3] elseif t == "point" then return s[2] - s[3] end
  elseif n == 4 then
    if t == "tri" then return s[2] + s[3] + s[4] end
  elseif n == 1 then
    if t == "empty" then return 0 end
  end
  error("function_clause")
end

local atoms = {"a01", "a02", "a03", "a04", "a05", "a06", "a07", "a08", "a09", "a10", "a11", "a12", "a13", "a14", "a15", "a16", "a17", "a18", "a19", "a20"}
local shapes = {{"circle", 2}, {"square", 3}, {"rect", 2, 5}, {"tri", 1, 2, 3}, {"point", 9, 4}, {"empty"}}
local acc = 0
for n = 10000000, 1, -1 do
  acc = acc + weight(atoms[n % 20 + 1]) + area(shapes[n % 6 + 1])
end
print(string.format("%d", acc))
