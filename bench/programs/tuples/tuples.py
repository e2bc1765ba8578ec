# Tuple churn: each of 10M steps builds a pair and a triple and takes both
# apart again.
def step(i, acc):
    pair = (i, i % 3)
    x, m = pair
    a, b, c = acc
    return (b + m, c, a + x)


def main():
    acc = (0, 0, 0)
    for i in range(10000000):
        acc = step(i, acc)
    print(acc[0])
    print(acc[1])
    print(acc[2])


main()
