# Heap sort through a priority queue: a persistent leftist heap of records
# (priority, sequence number), ordered by a comparison closure (it
# captures the direction). n records with priorities 0..999 from a
# Park-Miller generator go in, then come out in order; done twice,
# ascending and descending priority (ties by sequence number either way). Prints a hash of each output order
# (h = (31 h + priority) mod 1000000007, then the same with the sequence
# number). Heap nodes are tuples (rank, record, left, right), the empty
# heap None. Argument: n (default 100000).
import sys

P = 1000000007


def rank(heap):
    return 0 if heap is None else heap[0]


def merge(less, a, b):
    if a is None:
        return b
    if b is None:
        return a
    if less(b[1], a[1]):
        a, b = b, a
    merged = merge(less, a[3], b)
    left = a[2]
    if rank(left) >= rank(merged):
        return (rank(merged) + 1, a[1], left, merged)
    return (rank(left) + 1, a[1], merged, left)


def sort_hash(less, n):
    heap, seed = None, 42
    for seq in range(n):
        seed = seed * 16807 % 2147483647
        heap = merge(less, (1, (seed % 1000, seq), None, None), heap)
    h = 0
    while heap is not None:
        prio, seq = heap[1]
        h = (h * 31 + prio) % P
        h = (h * 31 + seq) % P
        heap = merge(less, heap[2], heap[3])
    return h


def by_priority(direction):
    def less(a, b):
        pa, pb = a[0] * direction, b[0] * direction
        return pa < pb or (pa == pb and a[1] < b[1])
    return less


n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
print(sort_hash(by_priority(1), n))
print(sort_hash(by_priority(-1), n))
