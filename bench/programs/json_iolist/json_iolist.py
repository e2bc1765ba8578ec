# JSON-like encoder writing iodata: n records (dicts with integer, float,
# string, boolean, null, atom, list and nested dict values; every 16th
# name holds a quote, a newline and a backslash to escape) are built, then
# encoded as one JSON array by a recursive encoder that dispatches on the
# value's type and appends each piece (punctuation, escaped strings,
# numbers as text) to a list of bytes, joined once and written to standard
# output with a newline. Keys in sorted order; atoms (str here) are
# written as strings, None as null; floats in the shortest form that reads
# back (repr); no float in the data is integral (LuaJIT could not tell
# 1.0 from 1). Argument: n (default 50000).
import sys

TAGS = [b"red", b"green", b"blue", b"amber"]
KINDS = ["alpha", "beta", "gamma"]


def record(i):
    if i % 16 == 0:
        name = b'say "hi"\n to \\ ' + str(i).encode()
    else:
        name = b"item " + str(i).encode()
    extra = None if i % 5 == 0 else {b"x": i % 10, b"y": [i % 7, -(i % 11), 0.5 * (i % 4) + 0.25], b"z": {}}
    return {b"id": i, b"name": name, b"score": (i * 7919 % 100000) / 100.0 - 250.125, b"tags": TAGS[:i % 5],
            b"active": i % 3 == 0, b"kind": KINDS[i % 3], b"extra": extra}


def encode_string(s, out):
    out.append(b'"')
    out.append(s.replace(b"\\", b"\\\\").replace(b'"', b'\\"').replace(b"\n", b"\\n"))
    out.append(b'"')


def encode(v, out):
    if isinstance(v, bytes):
        encode_string(v, out)
    elif isinstance(v, bool):
        out.append(b"true" if v else b"false")
    elif isinstance(v, int):
        out.append(str(v).encode())
    elif isinstance(v, dict):
        out.append(b"{")
        first = True
        for k, x in sorted(v.items()):
            if not first:
                out.append(b",")
            first = False
            encode(k, out)
            out.append(b":")
            encode(x, out)
        out.append(b"}")
    elif isinstance(v, list):
        out.append(b"[")
        first = True
        for x in v:
            if not first:
                out.append(b",")
            first = False
            encode(x, out)
        out.append(b"]")
    elif isinstance(v, float):
        out.append(repr(v).encode())
    elif v is None:
        out.append(b"null")
    elif isinstance(v, str):
        encode_string(v.encode(), out)
    else:
        raise TypeError(v)


def main(n):
    records = [record(i) for i in range(n)]
    out = []
    encode(records, out)
    out.append(b"\n")
    sys.stdout.buffer.write(b"".join(out))


main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000)
