# Fannkuch-redux (the Computer Language Benchmarks Game algorithm): every
# permutation of 0..n-1 in the benchmark's order, each flipped (its first
# k+1 elements reversed, k the first element) until 0 comes first. Prints
# the checksum (flip counts, alternately added and subtracted) and the
# largest flip count. Permutations and counters are lists updated in place,
# by hand-written loops. Argument: n (default 10).
import sys


def fannkuch(n):
    perm1 = list(range(n))
    count = [0] * n
    r, max_flips, checksum, sign = n, 0, 0, 1
    while True:
        while r != 1:
            count[r - 1] = r
            r -= 1
        perm = perm1[:]
        flips, k = 0, perm[0]
        while k != 0:
            i, j = 0, k
            while i < j:
                perm[i], perm[j] = perm[j], perm[i]
                i += 1
                j -= 1
            flips += 1
            k = perm[0]
        if flips > max_flips:
            max_flips = flips
        checksum += flips * sign
        sign = -sign
        # the next permutation: rotate the first r+1 elements left by one
        # and count down count[r]; when it reaches 0, do the same with r + 1
        while True:
            if r == n:
                return checksum, max_flips
            p0 = perm1[0]
            for i in range(r):
                perm1[i] = perm1[i + 1]
            perm1[r] = p0
            count[r] -= 1
            if count[r] > 0:
                break
            r += 1


checksum, max_flips = fannkuch(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
print(checksum)
print(max_flips)
