# Binary trees (the Computer Language Benchmarks Game algorithm): allocate
# and walk many short-lived perfect binary trees next to a long-lived one.
# A node is a pair (left, right); a leaf is the constant (None, None). Prints the check
# counts only: the stretch tree, each depth's total, the long-lived tree.
MIN_DEPTH = 4
MAX_DEPTH = 16


def make(depth):
    if depth == 0:
        return (None, None)
    return (make(depth - 1), make(depth - 1))


def check(tree):
    left, right = tree
    if left is None:
        return 1
    return 1 + check(left) + check(right)


def main():
    print(check(make(MAX_DEPTH + 1)))
    long_lived = make(MAX_DEPTH)
    for depth in range(MIN_DEPTH, MAX_DEPTH + 1, 2):
        iterations = 1 << (MAX_DEPTH - depth + MIN_DEPTH)
        total = 0
        for _ in range(iterations):
            total += check(make(depth))
        print(total)
    print(check(long_lived))


main()
