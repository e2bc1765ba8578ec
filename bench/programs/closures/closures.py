# Closures: make closures, map a composed closure over a 1M-element cons
# list ((head, tail) pairs, None is empty) and fold the result with a
# two-argument closure, 5 passes.
N = 1000000
PASSES = 5


def make_adder(k):
    return lambda x: x + k


def make_doubler():
    return lambda x: x * 2


def compose(f, g):
    return lambda x: f(g(x))


def make_weigher(w):
    return lambda acc, x: acc + x * w


def build(n):
    lst = None
    for i in range(n - 1, -1, -1):
        lst = (i, lst)
    return lst


def map_rev(f, lst):
    """Maps f over lst; the result comes out reversed (no reverse pass needed)."""
    out = None
    while lst is not None:
        out = (f(lst[0]), out)
        lst = lst[1]
    return out


def fold(f, acc, lst):
    while lst is not None:
        acc = f(acc, lst[0])
        lst = lst[1]
    return acc


def main():
    lst = build(N)
    total = 0
    for p in range(1, PASSES + 1):
        mapped = map_rev(compose(make_adder(p), make_doubler()), lst)
        total += fold(make_weigher(p % 3 + 1), 0, mapped)
    print(total)


main()
