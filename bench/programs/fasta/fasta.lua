-- Fasta (the Computer Language Benchmarks Game algorithm): 2n bytes of a
-- repeated sequence, then 3n and 5n bytes drawn from two nucleotide tables
-- by a linear congruential generator, in lines of 60. Each line is made a
-- string and, instead of being written out, hashed byte by byte
-- (h = (31 h + byte) mod 1000000007 over each part); prints the three
-- hashes. Argument: n (default 1000000).
local n = tonumber(arg and arg[1]) or 1000000

local ALU = "GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGGGAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGACCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAATACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCAGCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGGAGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCCAGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"
local IUB = {{97, 0.27}, {99, 0.12}, {103, 0.12}, {116, 0.27}, {66, 0.02}, {68, 0.02}, {72, 0.02}, {75, 0.02},
             {77, 0.02}, {78, 0.02}, {82, 0.02}, {83, 0.02}, {86, 0.02}, {87, 0.02}, {89, 0.02}}
local HOMO_SAPIENS = {{97, 0.302954942668}, {99, 0.1979883004921}, {103, 0.1975473066391}, {116, 0.3015094502008}}

local byte, char, sub, unpack = string.byte, string.char, string.sub, table.unpack or unpack

local function cumulative(tbl)
  local out, total = {}, 0.0
  for i, entry in ipairs(tbl) do
    total = total + entry[2]
    out[i] = {entry[1], total}
  end
  return out
end

local function line_hash(line, h)
  for i = 1, #line do
    h = (h * 31 + byte(line, i)) % 1000000007
  end
  return h
end

local function repeat_fasta(sequence, n)
  local twice, h, offset = sequence .. sequence, 0, 0
  while n > 0 do
    local length = n >= 60 and 60 or n
    local line = sub(twice, offset + 1, offset + length)
    offset = offset + length
    n = n - length
    h = line_hash(line, h)
    offset = offset % #sequence
  end
  return h
end

local function pick(tbl, r)
  for i = 1, #tbl do
    local entry = tbl[i]
    if r < entry[2] then return entry[1] end
  end
end

local function random_fasta(tbl, n, seed)
  local h, line = 0, {}
  while n > 0 do
    local length = n >= 60 and 60 or n
    n = n - length
    for i = 1, length do
      seed = (seed * 3877 + 29573) % 139968
      line[i] = pick(tbl, 1.0 * seed / 139968)
    end
    h = line_hash(char(unpack(line, 1, length)), h)
  end
  return h, seed
end

print(string.format("%d", repeat_fasta(ALU, 2 * n)))
local h, seed = random_fasta(cumulative(IUB), 3 * n, 42)
print(string.format("%d", h))
h, seed = random_fasta(cumulative(HOMO_SAPIENS), 5 * n, seed)
print(string.format("%d", h))
