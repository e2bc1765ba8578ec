# k-mer counts: a pseudo-random DNA sequence of n bases (Park-Miller seed
# 42, base = seed mod 4) and, for k = 1..4, a map from each window's code
# (2 bits a base, the sequence starting with k-1 A's) to its count. k = 1
# and 2 count with get(default 0); k = 3 and 4 test the key first.
# Prints n, then per k: distinct k-mers, the count of A..A, of T..T.
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    seed, code = 42, 0
    m1, m2, m3, m4 = {}, {}, {}, {}
    for _ in range(n):
        seed = seed * 16807 % 2147483647
        code = (code * 4 + seed % 4) % 256
        k = code % 4
        m1[k] = m1.get(k, 0) + 1
        k = code % 16
        m2[k] = m2.get(k, 0) + 1
        k = code % 64
        m3[k] = m3[k] + 1 if k in m3 else 1
        m4[code] = m4[code] + 1 if code in m4 else 1
    print(n)
    for m, top in ((m1, 3), (m2, 15), (m3, 63), (m4, 255)):
        print(len(m))
        print(m.get(0, 0))
        print(m[top] if top in m else 0)


main()
