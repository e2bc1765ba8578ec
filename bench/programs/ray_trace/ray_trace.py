# Ray tracer: n x n pixels, one ray each, over five spheres (one of them
# the ground), with a light, shadows and reflections up to depth 3.
# Vectors are tuples (x, y, z) handled by small functions; each sphere is a
# tuple (cx, cy, cz, radius, reflectivity, surface) whose surface is a
# closure (matte or glowing) giving the light it sends back. Every version
# does the float operations in the same order, so all print the same
# numbers: the sum of the pixel values (0..255) and a hash of the image in
# scan order (h = (31 h + value) mod 1000000007). Argument: n (default 600).
import math
import sys


def vsub(a, b):
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def vscale(a, k):
    return (a[0] * k, a[1] * k, a[2] * k)


def vdot(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def normalize(a):
    return vscale(a, 1.0 / math.sqrt(vdot(a, a)))


def matte(albedo):
    return lambda light: albedo * light


def glow(base, albedo):
    return lambda light: base + albedo * light


def intersect(sphere, origin, direction):
    """The distance along the ray to the sphere's near side, or -1.0."""
    oc = vsub(origin, (sphere[0], sphere[1], sphere[2]))
    b = vdot(oc, direction)
    disc = b * b - (vdot(oc, oc) - sphere[3] * sphere[3])
    if disc < 0.0:
        return -1.0
    t = -b - math.sqrt(disc)
    if t > 0.0001:
        return t
    return -1.0


def shadowed(scene, point, light):
    for sphere in scene:
        if intersect(sphere, point, light) > 0.0:
            return True
    return False


def trace(scene, light, origin, direction, depth):
    nearest, hit = 1.0e30, None
    for sphere in scene:
        t = intersect(sphere, origin, direction)
        if t > 0.0 and t < nearest:
            nearest, hit = t, sphere
    if hit is None:
        return 0.2 * (direction[1] + 1.0)
    point = vsub(origin, vscale(direction, -nearest))
    normal = vscale(vsub(point, (hit[0], hit[1], hit[2])), 1.0 / hit[3])
    lambert = vdot(normal, light)
    if lambert < 0.0 or shadowed(scene, point, light):
        lambert = 0.0
    color = hit[5](lambert)
    reflectivity = hit[4]
    if reflectivity > 0.0 and depth < 3:
        bounce = vsub(direction, vscale(normal, 2.0 * vdot(direction, normal)))
        color = color * (1.0 - reflectivity) + reflectivity * trace(scene, light, point, bounce, depth + 1)
    return color


def render(n, scene, light):
    total, h, half = 0, 0, n // 2
    origin = (0.0, 0.0, 0.0)
    for y in range(n):
        for x in range(n):
            color = trace(scene, light, origin, normalize((x - half, half - y, n)), 0)
            if color > 1.0:
                color = 1.0
            value = int(color * 255.0)
            total += value
            h = (h * 31 + value) % 1000000007
    return total, h


def main(n):
    scene = [(0.0, -1001.0, 6.0, 1000.0, 0.0, matte(0.8)),
             (0.0, 0.0, 6.0, 1.0, 0.5, matte(0.9)),
             (-2.2, -0.3, 7.0, 0.7, 0.0, glow(0.2, 0.7)),
             (2.0, -0.4, 5.5, 0.6, 0.3, matte(0.6)),
             (0.8, 1.6, 8.0, 0.8, 0.0, glow(0.1, 0.8))]
    total, h = render(n, scene, normalize((-1.0, 2.0, -1.5)))
    print(total)
    print(h)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 600)
