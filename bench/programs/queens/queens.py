# N-queens: counts every placement of n non-attacking queens on an n x n
# board by backtracking over bit masks (occupied columns and both diagonal
# directions, one bit per column). Argument: n (default 14).
import sys


def solve(cols, left, right, all_):
    if cols == all_:
        return 1
    free, count = ~(cols | left | right) & all_, 0
    while free:
        b = free & -free
        free ^= b
        count += solve(cols | b, (left | b) << 1, (right | b) >> 1, all_)
    return count


n = int(sys.argv[1]) if len(sys.argv) > 1 else 14
print(solve(0, 0, 0, (1 << n) - 1))
