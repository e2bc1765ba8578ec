-- JSON-like encoder writing iodata (json_iolist.py describes the program):
-- each piece is appended to an array of strings, joined once by
-- table.concat and written. Objects are tables marked with the OBJECT
-- metatable, arrays plain sequences, null the NULL sentinel (Lua has no
-- nil in a table), atoms strings; floats in the shortest of %.15g, %.16g,
-- %.17g that reads back, with ".0" added to an integral one (as repr).
-- Runs on Lua 5.4 and LuaJIT (where -(0) would be the float -0: 0 - x instead).

local OBJECT = {}
local NULL = setmetatable({}, {})
local TAGS = {"red", "green", "blue", "amber"}
local KINDS = {"alpha", "beta", "gamma"}

local function object(t) return setmetatable(t, OBJECT) end

local function record(i)
  local name
  if i % 16 == 0 then name = 'say "hi"\n to \\ ' .. i else name = "item " .. i end
  local extra = NULL
  if i % 5 ~= 0 then
    extra = object({x = i % 10, y = {i % 7, 0 - i % 11, 0.5 * (i % 4) + 0.25}, z = object({})})
  end
  local tags = {}
  for k = 1, i % 5 do tags[k] = TAGS[k] end
  return object({id = i, name = name, score = (i * 7919 % 100000) / 100.0 - 250.125, tags = tags,
                 active = i % 3 == 0, kind = KINDS[i % 3 + 1], extra = extra})
end

local function float_text(x)
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", x)
    if tonumber(s) == x then break end
  end
  if not string.find(s, "[%.eEn]") then s = s .. ".0" end
  return s
end

-- LuaJIT has no integer subtype: there an integral number is an integer
-- (the data holds no integral float, so both print the same).
local is_integer = math.type and function(v) return math.type(v) == "integer" end
  or function(v) return v % 1 == 0 end

local encode

local function encode_string(s, out)
  out[#out + 1] = '"'
  out[#out + 1] = (string.gsub(string.gsub(string.gsub(s, "\\", "\\\\"), '"', '\\"'), "\n", "\\n"))
  out[#out + 1] = '"'
end

function encode(v, out)
  local t = type(v)
  if t == "string" then
    encode_string(v, out)
  elseif t == "number" then
    if is_integer(v) then out[#out + 1] = tostring(v) else out[#out + 1] = float_text(v) end
  elseif t == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif v == NULL then
    out[#out + 1] = "null"
  elseif getmetatable(v) == OBJECT then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys)
    out[#out + 1] = "{"
    for n, k in ipairs(keys) do
      if n > 1 then out[#out + 1] = "," end
      encode(k, out)
      out[#out + 1] = ":"
      encode(v[k], out)
    end
    out[#out + 1] = "}"
  elseif t == "table" then
    out[#out + 1] = "["
    for n, x in ipairs(v) do
      if n > 1 then out[#out + 1] = "," end
      encode(x, out)
    end
    out[#out + 1] = "]"
  else
    error("not encodable: " .. tostring(v))
  end
end

local function main(n)
  local records = {}
  for i = 0, n - 1 do records[i + 1] = record(i) end
  local out = {}
  encode(records, out)
  out[#out + 1] = "\n"
  io.write(table.concat(out))
end

main(tonumber(arg and arg[1]) or 50000)
