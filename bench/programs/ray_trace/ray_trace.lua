-- Ray tracer: n x n pixels, one ray each, over five spheres (one of them
-- the ground), with a light, shadows and reflections up to depth 3.
-- Vectors are tables {x, y, z} handled by small functions; each sphere is
-- a table {cx, cy, cz, radius, reflectivity, surface} whose surface is a
-- closure (matte or glowing) giving the light it sends back. Every version
-- does the float operations in the same order, so all print the same
-- numbers: the sum of the pixel values (0..255) and a hash of the image in
-- scan order (h = (31 h + value) mod 1000000007). Argument: n (default 600).
local n = tonumber(arg and arg[1]) or 600
local sqrt, floor = math.sqrt, math.floor

local function vsub(a, b) return {a[1] - b[1], a[2] - b[2], a[3] - b[3]} end
local function vscale(a, k) return {a[1] * k, a[2] * k, a[3] * k} end
local function vdot(a, b) return a[1] * b[1] + a[2] * b[2] + a[3] * b[3] end
local function normalize(a) return vscale(a, 1.0 / sqrt(vdot(a, a))) end

local function matte(albedo) return function(light) return albedo * light end end
local function glow(base, albedo) return function(light) return base + albedo * light end end

-- The distance along the ray to the sphere's near side, or -1.0.
local function intersect(sphere, origin, direction)
  local oc = vsub(origin, {sphere[1], sphere[2], sphere[3]})
  local b = vdot(oc, direction)
  local disc = b * b - (vdot(oc, oc) - sphere[4] * sphere[4])
  if disc < 0.0 then return -1.0 end
  local t = -b - sqrt(disc)
  if t > 0.0001 then return t end
  return -1.0
end

local function shadowed(scene, point, light)
  for i = 1, #scene do
    if intersect(scene[i], point, light) > 0.0 then return true end
  end
  return false
end

local function trace(scene, light, origin, direction, depth)
  local nearest, hit = 1.0e30, nil
  for i = 1, #scene do
    local t = intersect(scene[i], origin, direction)
    if t > 0.0 and t < nearest then nearest, hit = t, scene[i] end
  end
  if not hit then return 0.2 * (direction[2] + 1.0) end
  local point = vsub(origin, vscale(direction, -nearest))
  local normal = vscale(vsub(point, {hit[1], hit[2], hit[3]}), 1.0 / hit[4])
  local lambert = vdot(normal, light)
  if lambert < 0.0 or shadowed(scene, point, light) then lambert = 0.0 end
  local color = hit[6](lambert)
  local reflectivity = hit[5]
  if reflectivity > 0.0 and depth < 3 then
    local bounce = vsub(direction, vscale(normal, 2.0 * vdot(direction, normal)))
    color = color * (1.0 - reflectivity) + reflectivity * trace(scene, light, point, bounce, depth + 1)
  end
  return color
end

local function render(n, scene, light)
  local total, h, half = 0, 0, floor(n / 2)
  local origin = {0.0, 0.0, 0.0}
  for y = 0, n - 1 do
    for x = 0, n - 1 do
      local color = trace(scene, light, origin, normalize({x - half, half - y, n}), 0)
      if color > 1.0 then color = 1.0 end
      local value = floor(color * 255.0)
      total = total + value
      h = (h * 31 + value) % 1000000007
    end
  end
  return total, h
end

local scene = {{0.0, -1001.0, 6.0, 1000.0, 0.0, matte(0.8)},
               {0.0, 0.0, 6.0, 1.0, 0.5, matte(0.9)},
               {-2.2, -0.3, 7.0, 0.7, 0.0, glow(0.2, 0.7)},
               {2.0, -0.4, 5.5, 0.6, 0.3, matte(0.6)},
               {0.8, 1.6, 8.0, 0.8, 0.0, glow(0.1, 0.8)}}
local total, h = render(n, scene, normalize({-1.0, 2.0, -1.5}))
print(string.format("%d\n%d", total, h))
