# The cost of a try block: n additions (default 10M), each inside a try;
# the except clause is never entered. Argument: n.
import sys


def main(n):
    acc = 0
    for i in range(n):
        try:
            acc = acc + i
        except TypeError:
            acc = 0
    print(acc)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000000)
