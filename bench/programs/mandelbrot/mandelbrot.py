# Mandelbrot set on an n x n grid (the Computer Language Benchmarks Game
# region: c = (2x/n - 1.5) + (2y/n - 1.0)i), at most 50 iterations of
# z = z^2 + c per point, escaping when |z|^2 > 4. Prints the points that
# never escape and the sum of every point's iteration count. Argument: n
# (default 1600).
import sys


def escape(cr, ci):
    zr, zi, i = 0.0, 0.0, 0
    while i != 50:
        zr2, zi2 = zr * zr, zi * zi
        if zr2 + zi2 > 4.0:
            return i
        zi = zr * zi * 2.0 + ci
        zr = zr2 - zi2 + cr
        i += 1
    return i


def main(n):
    inside = total = 0
    for y in range(n):
        ci = 2.0 * y / n - 1.0
        for x in range(n):
            k = escape(2.0 * x / n - 1.5, ci)
            total += k
            if k == 50:
                inside += 1
    print(inside)
    print(total)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 1600)
