-- Word frequencies: generates a text of n words (1 to 3 syllables each,
-- from 16 syllables, separated by " ", ", " or ".\n", all drawn by a
-- Park-Miller generator) as one string, then scans it byte by byte for
-- words (runs of a..z), counting each in a table keyed by the word.
-- Prints the number of words, of distinct words, the largest count and
-- the sum over distinct words of count^2 * length.
-- Argument: n (default 500000).
local n = tonumber(arg and arg[1]) or 500000
local byte, sub = string.byte, string.sub

local SYLLABLES = {"a", "ka", "lor", "mi", "nest", "ru", "sa", "to", "vi", "be", "dex", "fo", "gu", "ha", "ji", "pe"}
local SEPARATORS = {", ", ".\n", " ", " ", " ", " ", " ", " "}

local function generate(n)
  local parts, seed = {}, 42
  for _ = 1, n do
    seed = seed * 16807 % 2147483647
    for _ = 1, 1 + seed % 3 do
      seed = seed * 16807 % 2147483647
      parts[#parts + 1] = SYLLABLES[seed % 16 + 1]
    end
    seed = seed * 16807 % 2147483647
    parts[#parts + 1] = SEPARATORS[seed % 8 + 1]
  end
  return table.concat(parts)
end

local function count(text)
  local counts, i, size = {}, 1, #text
  while true do
    while i <= size do
      local b = byte(text, i)
      if b >= 97 and b <= 122 then break end
      i = i + 1
    end
    if i > size then return counts end
    local start = i
    while i <= size do
      local b = byte(text, i)
      if b < 97 or b > 122 then break end
      i = i + 1
    end
    local word = sub(text, start, i - 1)
    counts[word] = (counts[word] or 0) + 1
  end
end

local counts = count(generate(n))
local words, distinct, largest, checksum = 0, 0, 0, 0
for word, c in pairs(counts) do
  words = words + c
  distinct = distinct + 1
  if c > largest then largest = c end
  checksum = checksum + c * c * #word
end
print(string.format("%d\n%d\n%d\n%d", words, distinct, largest, checksum))
