-- k-mer counts (kmer.py describes the program).
local n = tonumber(arg and arg[1]) or 1000000
local seed, code = 42, 0
local m1, m2, m3, m4 = {}, {}, {}, {}
for _ = 1, n do
  seed = seed * 16807 % 2147483647
  code = (code * 4 + seed % 4) % 256
  local k = code % 4
  m1[k] = (m1[k] or 0) + 1
  k = code % 16
  m2[k] = (m2[k] or 0) + 1
  k = code % 64
  if m3[k] ~= nil then m3[k] = m3[k] + 1 else m3[k] = 1 end
  if m4[code] ~= nil then m4[code] = m4[code] + 1 else m4[code] = 1 end
end
local function size(m)
  local c = 0
  for _ in pairs(m) do c = c + 1 end
  return c
end
print(n)
for _, e in ipairs({{m1, 3}, {m2, 15}, {m3, 63}, {m4, 255}}) do
  local m, top = e[1], e[2]
  print(size(m))
  print(m[0] or 0)
  print(m[top] or 0)
end
