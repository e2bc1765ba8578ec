# Build a 10M-element cons list, reverse it, sum it. A cons cell is a
# pair (head, tail); the empty list is None.
def build(n):
    lst = None
    for i in range(n - 1, -1, -1):
        lst = (i, lst)
    return lst


def reverse(lst):
    out = None
    while lst is not None:
        out = (lst[0], out)
        lst = lst[1]
    return out


def total(lst):
    acc = 0
    while lst is not None:
        acc += lst[0]
        lst = lst[1]
    return acc


def main():
    reversed_list = reverse(build(10000000))
    print(reversed_list[0])
    print(total(reversed_list))


main()
