# k-nucleotide (the Computer Language Benchmarks Game): reads a FASTA file
# from standard input (make_input writes it), takes the lines of the
# ">THREE" section as one upper-case sequence, counts every k-long
# substring in a dict for k = 1 and 2 (printed as percentages, by count
# descending then name) and for the lengths of GGT, GGTA, GGTATT,
# GGTATTTTAATT and GGTATTTTAATTTATAGT (printed as count, tab, name).
import sys


def frequencies(seq, k):
    counts = {}
    for i in range(len(seq) - k + 1):
        key = seq[i:i + k]
        counts[key] = counts.get(key, 0) + 1
    return counts


def main():
    stdin = sys.stdin.buffer
    for line in stdin:
        if line.startswith(b">THREE"):
            break
    parts = []
    for line in stdin:
        if line.startswith(b">"):
            break
        parts.append(line.rstrip(b"\n"))
    seq = b"".join(parts).upper()
    out = []
    for k in (1, 2):
        counts = frequencies(seq, k)
        total = len(seq) - k + 1
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append("%s %.3f\n" % (key.decode(), 100.0 * n / total))
        out.append("\n")
    for name in (b"GGT", b"GGTA", b"GGTATT", b"GGTATTTTAATT", b"GGTATTTTAATTTATAGT"):
        counts = frequencies(seq, len(name))
        out.append("%d\t%s\n" % (counts.get(name, 0), name.decode()))
    sys.stdout.write("".join(out))


main()
