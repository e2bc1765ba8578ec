# Build a 1M-entry map (k -> 2k for k < 1M), then look up every key and sum.
# Python's dict is its map: mutable, updated in place.
def main():
    n = 1000000
    mapping = {}
    for k in range(n):
        mapping[k] = k * 2
    acc = 0
    for k in range(n):
        acc += mapping[k]
    print(acc)


main()
