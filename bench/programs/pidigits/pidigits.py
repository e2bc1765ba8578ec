# pidigits (the Benchmarks Game): the first 10,000 digits of pi by Gibbons'
# unbounded spigot, 10 a line: big-integer multiply, add and divide.
# Argument: the number of digits, a multiple of 10 (default 10000).
import sys


def pidigits(n):
    k, acc, den, num, i, line = 0, 0, 1, 1, 0, 0
    while i < n:
        k += 1
        k2 = 2 * k + 1
        acc = (acc + 2 * num) * k2
        den *= k2
        num *= k
        if num > acc:
            continue
        d = (3 * num + acc) // den
        if d != (4 * num + acc) // den:
            continue
        i += 1
        line = line * 10 + d
        acc = (acc - den * d) * 10
        num *= 10
        if i % 10 == 0:
            print("%010d\t:%d" % (line, i))
            line = 0


pidigits(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
