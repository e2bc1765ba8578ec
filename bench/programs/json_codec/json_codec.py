# JSON codec: n messages, each a record (an object with integer, string,
# boolean, null, array and nested object values; some strings hold quotes
# to escape) encoded to JSON bytes, decoded by recursive descent and
# encoded again. The encoder emits byte by byte (integers by a
# hand-written digit loop, object keys in sorted order); the decoder walks
# the text by position. Prints the total length of the texts, 1 if every
# second encoding equals the first, and the sums of the decoded ids and
# scores.
# Argument: n (default 50000).
import sys

QUOTE, BACKSLASH = 34, 92
TAGS = [b"red", b"green", b"blue", b"amber"]


def record(i):
    name = b"item " + str(i).encode()
    if i % 16 == 0:
        name = b'say "hi" to ' + str(i).encode()
    extra = None if i % 5 == 0 else {b"x": i % 10, b"y": [i % 7, -(i % 11)], b"z": {}}
    return {b"id": i, b"name": name, b"score": i * 7919 % 1000 - 500,
            b"tags": TAGS[:i % 5], b"active": i % 3 == 0, b"extra": extra, b"path": b"a\\b"}


def encode_integer(n, out):
    if n < 0:
        out.append(45)
        n = -n
    digits = []
    while True:
        digits.append(n % 10 + 48)
        n = n // 10
        if n == 0:
            break
    for k in range(len(digits) - 1, -1, -1):
        out.append(digits[k])


def encode_string(s, out):
    out.append(QUOTE)
    for b in s:
        if b == QUOTE or b == BACKSLASH:
            out.append(BACKSLASH)
        out.append(b)
    out.append(QUOTE)


def encode(term, out):
    if term is None:
        out += b"null"
    elif term is True:
        out += b"true"
    elif term is False:
        out += b"false"
    elif isinstance(term, int):
        encode_integer(term, out)
    elif isinstance(term, bytes):
        encode_string(term, out)
    elif isinstance(term, list):
        out.append(91)
        first = True
        for item in term:
            if not first:
                out.append(44)
            first = False
            encode(item, out)
        out.append(93)
    else:
        out.append(123)
        first = True
        for key in sorted(term):
            if not first:
                out.append(44)
            first = False
            encode_string(key, out)
            out.append(58)
            encode(term[key], out)
        out.append(125)


def encode_document(term):
    out = bytearray()
    encode(term, out)
    return bytes(out)


def parse_integer(text, pos):
    negative = text[pos] == 45
    if negative:
        pos += 1
    n = 0
    while pos < len(text) and 48 <= text[pos] <= 57:
        n = n * 10 + (text[pos] - 48)
        pos += 1
    return (-n if negative else n), pos


def parse_string(text, pos):
    """pos is just after the opening quote."""
    i = pos
    while True:
        b = text[i]
        if b == QUOTE:
            return text[pos:i], i + 1
        if b == BACKSLASH:
            return parse_escaped(text, pos)
        i += 1


def parse_escaped(text, i):
    out = bytearray()
    while True:
        b = text[i]
        if b == QUOTE:
            return bytes(out), i + 1
        if b == BACKSLASH:
            i += 1
            b = text[i]
        out.append(b)
        i += 1


def parse(text, pos):
    b = text[pos]
    if b == 123:
        return parse_object(text, pos + 1)
    if b == 91:
        return parse_array(text, pos + 1)
    if b == QUOTE:
        return parse_string(text, pos + 1)
    if b == 116:
        return True, pos + 4
    if b == 102:
        return False, pos + 5
    if b == 110:
        return None, pos + 4
    return parse_integer(text, pos)


def parse_array(text, pos):
    items = []
    if text[pos] == 93:
        return items, pos + 1
    while True:
        item, pos = parse(text, pos)
        items.append(item)
        b = text[pos]
        pos += 1
        if b != 44:
            return items, pos


def parse_object(text, pos):
    obj = {}
    if text[pos] == 125:
        return obj, pos + 1
    while True:
        key, pos = parse_string(text, pos + 1)
        value, pos = parse(text, pos + 1)
        obj[key] = value
        b = text[pos]
        pos += 1
        if b != 44:
            return obj, pos


def main(n):
    total = ids = scores = 0
    same = 1
    for i in range(n):
        text = encode_document(record(i))
        decoded, _ = parse(text, 0)
        if encode_document(decoded) != text:
            same = 0
        total += len(text)
        ids += decoded[b"id"]
        scores += decoded[b"score"]
    print(total)
    print(same)
    print(ids)
    print(scores)


main(int(sys.argv[1]) if len(sys.argv) > 1 else 50000)
