-- N-queens: counts every placement of n non-attacking queens on an n x n
-- board by backtracking over bit masks (occupied columns and both diagonal
-- directions, one bit per column). Argument: n (default 14).
--
-- Lua 5.4 has integer bit operators; LuaJIT has the bit library instead
-- (and cannot parse the operators), so each gets its own solve, the same
-- function in its own notation.
local n = tonumber(arg and arg[1]) or 14

local solve
if bit then
  local band, bor, bxor, bnot, lshift, rshift = bit.band, bit.bor, bit.bxor, bit.bnot, bit.lshift, bit.rshift
  function solve(cols, left, right, all)
    if cols == all then return 1 end
    local free, count = band(bnot(bor(cols, left, right)), all), 0
    while free ~= 0 do
      local b = band(free, -free)
      free = bxor(free, b)
      count = count + solve(bor(cols, b), lshift(bor(left, b), 1), rshift(bor(right, b), 1), all)
    end
    return count
  end
else
  solve = load([[
    local function solve(cols, left, right, all)
      if cols == all then return 1 end
      local free, count = ~(cols | left | right) & all, 0
      while free ~= 0 do
        local b = free & -free
        free = free ~ b
        count = count + solve(cols | b, (left | b) << 1, (right | b) >> 1, all)
      end
      return count
    end
    return solve
  ]])()
end

print(string.format("%d", solve(0, 0, 0, math.floor(2 ^ n) - 1)))
