# A long counting loop with an integer remainder: sum of i mod 7, i < 100M.
def main():
    acc = 0
    for i in range(100000000):
        acc += i % 7
    print(acc)


main()
