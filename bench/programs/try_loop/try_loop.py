# The cost of a try block: 10M iterations, each adding inside a try; the
# except clause is never entered.
def main():
    acc = 0
    for i in range(10000000):
        try:
            acc = acc + i
        except TypeError:
            acc = 0
    print(acc)


main()
