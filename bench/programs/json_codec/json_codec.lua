-- JSON codec: n messages, each a record (a table with integer, string,
-- boolean, null, array and nested object values; some strings hold quotes
-- to escape) encoded to JSON text, decoded by recursive descent and
-- encoded again. The encoder emits byte by byte into an array of byte
-- values (integers by a hand-written digit loop, object keys in sorted
-- order), made a string at the end; the decoder walks the string by
-- position. Prints the total length of the texts, 1 if every second
-- encoding equals the first, and the sums of the decoded ids and scores.
-- Arrays are {n = count, ...} tables (so an empty one is not an object),
-- null the unique table NULL. Argument: n (default 50000).
local n = tonumber(arg and arg[1]) or 50000
local byte, char, sub, concat, sort = string.byte, string.char, string.sub, table.concat, table.sort
local unpack, floor = table.unpack or unpack, math.floor

local QUOTE, BACKSLASH = 34, 92
local NULL = {}
local TAGS = {"red", "green", "blue", "amber"}

local function array(...) return {n = select("#", ...), ...} end

local function record(i)
  local name = "item " .. string.format("%d", i)
  if i % 16 == 0 then name = 'say "hi" to ' .. string.format("%d", i) end
  local extra = NULL
  if i % 5 ~= 0 then extra = {x = i % 10, y = array(i % 7, -(i % 11)), z = {}} end
  local tags = {n = i % 5}
  for k = 1, i % 5 do tags[k] = TAGS[k] end
  return {id = i, name = name, score = i * 7919 % 1000 - 500, tags = tags, active = i % 3 == 0,
          extra = extra, path = "a\\b"}
end

local encode

local function push_bytes(s, out)
  for i = 1, #s do out[#out + 1] = byte(s, i) end
end

local function encode_integer(v, out)
  if v < 0 then
    out[#out + 1] = 45
    v = -v
  end
  local digits, count = {}, 0
  repeat
    count = count + 1
    digits[count] = v % 10 + 48
    v = floor(v / 10)
  until v == 0
  for k = count, 1, -1 do out[#out + 1] = digits[k] end
end

local function encode_string(s, out)
  out[#out + 1] = QUOTE
  for i = 1, #s do
    local b = byte(s, i)
    if b == QUOTE or b == BACKSLASH then out[#out + 1] = BACKSLASH end
    out[#out + 1] = b
  end
  out[#out + 1] = QUOTE
end

function encode(v, out)
  local t = type(v)
  if v == NULL then
    push_bytes("null", out)
  elseif v == true then
    push_bytes("true", out)
  elseif v == false then
    push_bytes("false", out)
  elseif t == "number" then
    encode_integer(v, out)
  elseif t == "string" then
    encode_string(v, out)
  elseif v.n then
    out[#out + 1] = 91
    for k = 1, v.n do
      if k > 1 then out[#out + 1] = 44 end
      encode(v[k], out)
    end
    out[#out + 1] = 93
  else
    local keys = {}
    for key in pairs(v) do keys[#keys + 1] = key end
    sort(keys)
    out[#out + 1] = 123
    for k = 1, #keys do
      if k > 1 then out[#out + 1] = 44 end
      encode_string(keys[k], out)
      out[#out + 1] = 58
      encode(v[keys[k]], out)
    end
    out[#out + 1] = 125
  end
end

local function encode_document(v)
  local out = {}
  encode(v, out)
  local chunks = {}
  for i = 1, #out, 4096 do chunks[#chunks + 1] = char(unpack(out, i, math.min(i + 4095, #out))) end
  return concat(chunks)
end

-- Positions count from 1; each parser returns the value and the position after it.
local parse

local function parse_integer(text, pos)
  local negative = byte(text, pos) == 45
  if negative then pos = pos + 1 end
  local v, size = 0, #text
  while pos <= size do
    local b = byte(text, pos)
    if b < 48 or b > 57 then break end
    v = v * 10 + (b - 48)
    pos = pos + 1
  end
  if negative then v = -v end
  return v, pos
end

local function parse_escaped(text, i)
  local out = {}
  while true do
    local b = byte(text, i)
    if b == QUOTE then return char(unpack(out)), i + 1 end
    if b == BACKSLASH then
      i = i + 1
      b = byte(text, i)
    end
    out[#out + 1] = b
    i = i + 1
  end
end

local function parse_string(text, pos)
  local i = pos
  while true do
    local b = byte(text, i)
    if b == QUOTE then return sub(text, pos, i - 1), i + 1 end
    if b == BACKSLASH then return parse_escaped(text, pos) end
    i = i + 1
  end
end

local function parse_array(text, pos)
  local items = {n = 0}
  if byte(text, pos) == 93 then return items, pos + 1 end
  while true do
    local item
    item, pos = parse(text, pos)
    items.n = items.n + 1
    items[items.n] = item
    local b = byte(text, pos)
    pos = pos + 1
    if b ~= 44 then return items, pos end
  end
end

local function parse_object(text, pos)
  local obj = {}
  if byte(text, pos) == 125 then return obj, pos + 1 end
  while true do
    local key, value
    key, pos = parse_string(text, pos + 1)
    value, pos = parse(text, pos + 1)
    obj[key] = value
    local b = byte(text, pos)
    pos = pos + 1
    if b ~= 44 then return obj, pos end
  end
end

function parse(text, pos)
  local b = byte(text, pos)
  if b == 123 then return parse_object(text, pos + 1) end
  if b == 91 then return parse_array(text, pos + 1) end
  if b == QUOTE then return parse_string(text, pos + 1) end
  if b == 116 then return true, pos + 4 end
  if b == 102 then return false, pos + 5 end
  if b == 110 then return NULL, pos + 4 end
  return parse_integer(text, pos)
end

local total, same, ids, scores = 0, 1, 0, 0
for i = 0, n - 1 do
  local text = encode_document(record(i))
  local decoded = parse(text, 1)
  if encode_document(decoded) ~= text then same = 0 end
  total = total + #text
  ids = ids + decoded.id
  scores = scores + decoded.score
end
print(string.format("%d\n%d\n%d\n%d", total, same, ids, scores))
