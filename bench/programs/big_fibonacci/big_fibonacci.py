# The 100,000th Fibonacci number (20,899 digits) by a loop of additions,
# printed in decimal: big-integer addition and allocation.
# Argument: n (default 100000).
import sys

sys.set_int_max_str_digits(0)  # Python 3.11+ refuses long conversions by default


def fibonacci(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


print(fibonacci(int(sys.argv[1]) if len(sys.argv) > 1 else 100000))
