-- Fannkuch-redux (the Computer Language Benchmarks Game algorithm): every
-- permutation of 0..n-1 in the benchmark's order, each flipped (its first
-- k+1 elements reversed, k the first element) until 0 comes first. Prints
-- the checksum (flip counts, alternately added and subtracted) and the
-- largest flip count. Permutations and counters are arrays updated in
-- place, as a Lua programmer writes it. Argument: n (default 10).
local n = tonumber(arg and arg[1]) or 10

local function fannkuch(n)
  local perm1, perm, count = {}, {}, {}
  for i = 0, n - 1 do perm1[i] = i end
  local r, max_flips, checksum, sign = n, 0, 0, 1
  while true do
    while r ~= 1 do
      count[r - 1] = r
      r = r - 1
    end
    for i = 0, n - 1 do perm[i] = perm1[i] end
    local flips, k = 0, perm[0]
    while k ~= 0 do
      local i, j = 0, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i, j = i + 1, j - 1
      end
      flips = flips + 1
      k = perm[0]
    end
    if flips > max_flips then max_flips = flips end
    checksum = checksum + flips * sign
    sign = -sign
    -- the next permutation: rotate the first r+1 elements left by one and
    -- count down count[r]; when it reaches 0, do the same with r + 1
    while true do
      if r == n then return checksum, max_flips end
      local p0 = perm1[0]
      for i = 0, r - 1 do perm1[i] = perm1[i + 1] end
      perm1[r] = p0
      count[r] = count[r] - 1
      if count[r] > 0 then break end
      r = r + 1
    end
  end
end

local checksum, max_flips = fannkuch(n)
print(string.format("%d\n%d", checksum, max_flips))
