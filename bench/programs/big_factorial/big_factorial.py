# Factorial of 20,000 (77,338 digits) by a loop of multiplications, printed
# in decimal: big-by-small multiplication, then one long conversion to text.
# Argument: n (default 20000).
import sys

sys.set_int_max_str_digits(0)  # Python 3.11+ refuses long conversions by default


def factorial(n):
    p = 1
    for k in range(2, n + 1):
        p *= k
    return p


print(factorial(int(sys.argv[1]) if len(sys.argv) > 1 else 20000))
