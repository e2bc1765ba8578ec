# Raise and catch 10 frames deep: 1M times, a try around a call that
# recurses 10 frames (non-tail) and raises an error there.
class Bottom(Exception):
    pass


def deep(n):
    if n == 0:
        raise Bottom()
    return deep(n - 1) + 1


def main():
    count = 0
    for _ in range(1000000):
        try:
            deep(10)
        except Bottom:
            count += 1
    print(count)


main()
