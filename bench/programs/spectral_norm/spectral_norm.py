# Spectral norm (the Computer Language Benchmarks Game algorithm): ten
# rounds of u = AtA v, v = AtA u on the infinite matrix A(i, j) =
# 1 / ((i+j)(i+j+1)/2 + i + 1), n x n; prints round(sqrt(uv / vv) * 1e9).
# Vectors are lists, by hand-written loops. Argument: n (default 1000).
import math
import sys


def eval_a(i, j):
    return 1.0 / ((i + j) * (i + j + 1) // 2 + i + 1)


def times(n, u):
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s = s + eval_a(i, j) * u[j]
        out.append(s)
    return out


def times_transposed(n, u):
    out = []
    for i in range(n):
        s = 0.0
        for j in range(n):
            s = s + eval_a(j, i) * u[j]
        out.append(s)
    return out


def ata(n, u):
    return times_transposed(n, times(n, u))


def main(n):
    u = [1.0] * n
    for _ in range(10):
        v = ata(n, u)
        u = ata(n, v)
    vbv = vv = 0.0
    for i in range(n):
        vbv = vbv + u[i] * v[i]
    for i in range(n):
        vv = vv + v[i] * v[i]
    print(round(math.sqrt(vbv / vv) * 1e9))


main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
