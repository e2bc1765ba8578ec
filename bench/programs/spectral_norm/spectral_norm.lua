-- Spectral norm (the Computer Language Benchmarks Game algorithm): ten
-- rounds of u = AtA v, v = AtA u on the infinite matrix A(i, j) =
-- 1 / ((i+j)(i+j+1)/2 + i + 1), n x n; prints round(sqrt(uv / vv) * 1e9).
-- Vectors are arrays, as a Lua programmer writes it. Argument: n (default 1000).
local n = tonumber(arg and arg[1]) or 1000

local function eval_a(i, j)
  -- / 2: LuaJIT has no //; the product is even, so the float is exact
  return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1)
end

local function times(n, u, out)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do sum = sum + eval_a(i, j) * u[j] end
    out[i] = sum
  end
end

local function times_transposed(n, u, out)
  for i = 0, n - 1 do
    local sum = 0.0
    for j = 0, n - 1 do sum = sum + eval_a(j, i) * u[j] end
    out[i] = sum
  end
end

local function ata(n, u, out, tmp)
  times(n, u, tmp)
  times_transposed(n, tmp, out)
end

local u, v, tmp = {}, {}, {}
for i = 0, n - 1 do u[i] = 1.0 end
for _ = 1, 10 do
  ata(n, u, v, tmp)
  ata(n, v, u, tmp)
end
local vbv, vv = 0.0, 0.0
for i = 0, n - 1 do vbv = vbv + u[i] * v[i] end
for i = 0, n - 1 do vv = vv + v[i] * v[i] end
print(string.format("%d", math.floor(math.sqrt(vbv / vv) * 1e9 + 0.5)))
