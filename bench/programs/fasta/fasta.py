# Fasta (the Computer Language Benchmarks Game algorithm): 2n bytes of a
# repeated sequence, then 3n and 5n bytes drawn from two nucleotide tables
# by a linear congruential generator, in lines of 60. Each line is made a
# bytes object and, instead of being written out, hashed byte by byte
# (h = (31 h + byte) mod 1000000007 over each part); prints the three
# hashes. Argument: n (default 1000000).
import sys

ALU = b"GGCCGGGCGCGGTGGCTCACGCCTGTAATCCCAGCACTTTGGGAGGCCGAGGCGGGCGGATCACCTGAGGTCAGGAGTTCGAGACCAGCCTGGCCAACATGGTGAAACCCCGTCTCTACTAAAAATACAAAAATTAGCCGGGCGTGGTGGCGCGCGCCTGTAATCCCAGCTACTCGGGAGGCTGAGGCAGGAGAATCGCTTGAACCCGGGAGGCGGAGGTTGCAGTGAGCCGAGATCGCGCCACTGCACTCCAGCCTGGGCGACAGAGCGAGACTCCGTCTCAAAAA"
IUB = [(97, 0.27), (99, 0.12), (103, 0.12), (116, 0.27), (66, 0.02), (68, 0.02), (72, 0.02), (75, 0.02),
       (77, 0.02), (78, 0.02), (82, 0.02), (83, 0.02), (86, 0.02), (87, 0.02), (89, 0.02)]
HOMO_SAPIENS = [(97, 0.302954942668), (99, 0.1979883004921), (103, 0.1975473066391), (116, 0.3015094502008)]


def cumulative(table):
    out, total = [], 0.0
    for byte, p in table:
        total = total + p
        out.append((byte, total))
    return out


def line_hash(line, h):
    for byte in line:
        h = (h * 31 + byte) % 1000000007
    return h


def repeat_fasta(sequence, n):
    twice = sequence + sequence
    h, offset = 0, 0
    while n > 0:
        length = 60 if n >= 60 else n
        line = twice[offset:offset + length]
        offset += length
        n -= length
        h = line_hash(line, h)
        offset = offset % len(sequence)
    return h


def pick(table, r):
    for byte, p in table:
        if r < p:
            return byte


def random_fasta(table, n, seed):
    h = 0
    while n > 0:
        length = 60 if n >= 60 else n
        n -= length
        line = []
        for _ in range(length):
            seed = (seed * 3877 + 29573) % 139968
            line.append(pick(table, 1.0 * seed / 139968))
        h = line_hash(bytes(line), h)
    return h, seed


def main(n):
    print(repeat_fasta(ALU, 2 * n))
    h, seed = random_fasta(cumulative(IUB), 3 * n, 42)
    print(h)
    h, seed = random_fasta(cumulative(HOMO_SAPIENS), 5 * n, seed)
    print(h)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000)
