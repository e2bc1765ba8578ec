# sorted() with a comparison function (functools.cmp_to_key): n integers
# 1..2^31-2 from a Park-Miller generator, sorted in descending order 3
# times (each time from the unsorted list); prints a hash of the sorted
# order (h = (31 h + x) mod 1000000007). Argument: n (default 100000).
import functools
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
xs, seed = [], 42
for _ in range(n):
    seed = seed * 16807 % 2147483647
    xs.append(seed)
descending = functools.cmp_to_key(lambda a, b: b - a)
result = None
for _ in range(3):
    result = sorted(xs, key=descending)
h = 0
for x in result:
    h = (h * 31 + x) % 1000000007
print(h)
