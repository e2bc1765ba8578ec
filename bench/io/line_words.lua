-- Reads a file line by line and counts its words (runs of non-spaces) in a
-- table; prints the number of lines, of words and of distinct words.
local counts, lines, words, distinct = {}, 0, 0, 0
for line in io.lines(arg[1]) do
  lines = lines + 1
  for w in line:gmatch("[^ ]+") do
    words = words + 1
    local c = counts[w]
    if c == nil then distinct = distinct + 1; counts[w] = 1 else counts[w] = c + 1 end
  end
end
print(lines)
print(words)
print(distinct)
