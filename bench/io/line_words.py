# Reads a file line by line and counts its words (split at spaces) in a
# dict; prints the number of lines, of words and of distinct words.
import sys

def main(path):
    counts = {}
    lines = words = 0
    with open(path, 'rb') as f:
        for line in f:
            lines += 1
            for w in line.rstrip(b'\n').split(b' '):
                if w:
                    words += 1
                    counts[w] = counts.get(w, 0) + 1
    print(lines)
    print(words)
    print(len(counts))

main(sys.argv[1])
