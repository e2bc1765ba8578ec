-- k-nucleotide (the Computer Language Benchmarks Game): reads a FASTA file
-- from standard input (make_input writes it), takes the lines of the
-- ">THREE" section as one upper-case sequence, counts every k-long
-- substring in a table for k = 1 and 2 (printed as percentages, by count
-- descending then name) and for the lengths of GGT, GGTA, GGTATT,
-- GGTATTTTAATT and GGTATTTTAATTTATAGT (printed as count, tab, name).

local function frequencies(seq, k)
  local counts = {}
  for i = 1, #seq - k + 1 do
    local key = string.sub(seq, i, i + k - 1)
    counts[key] = (counts[key] or 0) + 1
  end
  return counts
end

local function main()
  for line in io.lines() do
    if string.sub(line, 1, 6) == ">THREE" then break end
  end
  local parts = {}
  for line in io.lines() do
    if string.sub(line, 1, 1) == ">" then break end
    parts[#parts + 1] = line
  end
  local seq = string.upper(table.concat(parts))
  local out = {}
  for k = 1, 2 do
    local counts = frequencies(seq, k)
    local total = #seq - k + 1
    local pairs_ = {}
    for key, n in pairs(counts) do pairs_[#pairs_ + 1] = {key, n} end
    table.sort(pairs_, function(a, b)
      if a[2] ~= b[2] then return a[2] > b[2] end
      return a[1] < b[1]
    end)
    for _, kv in ipairs(pairs_) do
      out[#out + 1] = string.format("%s %.3f\n", kv[1], 100.0 * kv[2] / total)
    end
    out[#out + 1] = "\n"
  end
  for _, name in ipairs({"GGT", "GGTA", "GGTATT", "GGTATTTTAATT", "GGTATTTTAATTTATAGT"}) do
    local counts = frequencies(seq, #name)
    out[#out + 1] = string.format("%d\t%s\n", counts[name] or 0, name)
  end
  io.write(table.concat(out))
end

main()
