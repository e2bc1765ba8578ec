-- Mandelbrot set on an n x n grid (the Computer Language Benchmarks Game
-- region: c = (2x/n - 1.5) + (2y/n - 1.0)i), at most 50 iterations of
-- z = z^2 + c per point, escaping when |z|^2 > 4. Prints the points that
-- never escape and the sum of every point's iteration count. Argument: n
-- (default 1600).
local n = tonumber(arg and arg[1]) or 1600

local function escape(cr, ci)
  local zr, zi, i = 0.0, 0.0, 0
  while i ~= 50 do
    local zr2, zi2 = zr * zr, zi * zi
    if zr2 + zi2 > 4.0 then return i end
    zi = zr * zi * 2.0 + ci
    zr = zr2 - zi2 + cr
    i = i + 1
  end
  return i
end

local inside, total = 0, 0
for y = 0, n - 1 do
  local ci = 2.0 * y / n - 1.0
  for x = 0, n - 1 do
    local k = escape(2.0 * x / n - 1.5, ci)
    total = total + k
    if k == 50 then inside = inside + 1 end
  end
end
print(inside)
print(total)
