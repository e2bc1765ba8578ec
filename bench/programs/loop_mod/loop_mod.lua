-- A long counting loop with an integer remainder: sum of i mod 7, i < 100M.
local n = 100000000
local acc = 0
for i = 0, n - 1 do
  acc = acc + i % 7
end
print(string.format("%d", acc))
