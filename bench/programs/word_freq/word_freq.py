# Word frequencies: generates a text of n words (1 to 3 syllables each,
# from 16 syllables, separated by " ", ", " or ".\n", all drawn by a
# Park-Miller generator), then scans it byte by byte for words (runs of
# a..z), counting each in a dict keyed by the word's bytes. Prints the
# number of words, of distinct words, the largest count and the sum over
# distinct words of count^2 * length. Argument: n (default 500000).
import sys

SYLLABLES = [b"a", b"ka", b"lor", b"mi", b"nest", b"ru", b"sa", b"to",
             b"vi", b"be", b"dex", b"fo", b"gu", b"ha", b"ji", b"pe"]
SEPARATORS = [b", ", b".\n", b" ", b" ", b" ", b" ", b" ", b" "]


def generate(n):
    text, seed = bytearray(), 42
    for _ in range(n):
        seed = seed * 16807 % 2147483647
        for _ in range(1 + seed % 3):
            seed = seed * 16807 % 2147483647
            text += SYLLABLES[seed % 16]
        seed = seed * 16807 % 2147483647
        text += SEPARATORS[seed % 8]
    return bytes(text)


def count(text):
    counts, i, size = {}, 0, len(text)
    while True:
        while i < size and not (97 <= text[i] <= 122):
            i += 1
        if i == size:
            return counts
        start = i
        while i < size and 97 <= text[i] <= 122:
            i += 1
        word = text[start:i]
        counts[word] = counts.get(word, 0) + 1


def main(n):
    counts = count(generate(n))
    words, largest, checksum = 0, 0, 0
    for word, c in counts.items():
        words += c
        if c > largest:
            largest = c
        checksum += c * c * len(word)
    print(words)
    print(len(counts))
    print(largest)
    print(checksum)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 500000)
