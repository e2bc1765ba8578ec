# Raise and catch 10 frames deep: n times (default 1M), a try around a call
# that recurses 10 frames (non-tail) and raises an error there; the handler
# counts it. Argument: n.
import sys


class Bottom(Exception):
    pass


def deep(k):
    if k == 0:
        raise Bottom()
    return deep(k - 1) + 1


def main(n):
    caught = 0
    for _ in range(n):
        try:
            deep(10)
        except Bottom:
            caught += 1
    print(caught)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000)
