#!/usr/bin/env python3
"""Writes the standard library's conformance programs (one per module) and
their .expected files from the cases below.

Each case is a call, its arguments (assembly literals, or `fn:NAME/N` for a
closure over one of HELPERS, or IMPROPER for the list [1, 2 | 3]) and the
printed result expected, written by hand from docs/builtins.md: an error
case expects `{:error, REASON}` (or `{:throw, ...}` from a closure). Every
call runs in its own closure under a catch (run/1), so one program covers a
module's values and errors. Run it again after editing the cases:
    python3 tests/programs/stdlib/generate.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
IMPROPER = "IMPROPER"

# Closures the cases pass: name/arity -> body (arguments in x0.., result in x0).
HELPERS = {
    "double/1": ["add x0, x0, x0"],
    "inc/1": ["loadi x1, 1", "add x0, x0, x1"],
    "is_even/1": ["loadi x1, 2", "mod x0, x0, x1", "loadi x1, 0", "eq x0, x1, yes", "loadc x0, false", "ret x0",
                  "yes: loadc x0, true"],
    "add/2": ["add x0, x0, x1"],
    "cons_acc/2": ["cons x0, x0, x1"],
    "le/2": ["lte x0, x1, yes", "loadc x0, false", "ret x0", "yes: loadc x0, true"],
    "ge/2": ["gte x0, x1, yes", "loadc x0, false", "ret x0", "yes: loadc x0, true"],
    # {Key, _} tuples ordered by Key only: equal keys show whether a sort is stable
    "by_first/2": ["loadi x2, 0", "get x0, x0, x2", "get x1, x1, x2", "lte x0, x1, yes", "loadc x0, false", "ret x0",
                   "yes: loadc x0, true"],
    "by_first_ge/2": ["loadi x2, 0", "get x0, x0, x2", "get x1, x1, x2", "gte x0, x1, yes", "loadc x0, false", "ret x0",
                      "yes: loadc x0, true"],
    # A <= B, but 5 (no boolean) for Fun(2, 3) alone: reaches the sort's
    # later merges, whose earlier levels never compare 2 with 3
    "bad_2_3/2": ["eq x0, 2, two", "back: lte x0, x1, yes", "loadc x0, false", "ret x0", "two: ne x1, 3, back",
                  "loadi x0, 5", "ret x0", "yes: loadc x0, true"],
    # A <= B that sends its process :called each time, for counting calls
    "counting_le/2 frame=2": ["mov y0, x0", "mov y1, x1", "call x0, process.self/0", "loadc x1, :called",
                              "call x0, process.send/2", "lte y0, y1, yes", "loadc x0, false", "ret x0",
                              "yes: loadc x0, true"],
    "not_bool1/1": ["loadi x0, 5"],
    "not_bool2/2": ["loadi x0, 5"],
    "throw1/1": ["loadc x0, :oops", "call x0, kernel.throw/1"],
    "throw2/2": ["loadc x0, :oops", "call x0, kernel.throw/1"],
    "kv_sum/3": ["add x0, x2, x1"],
    "kv_pairs/3": ["tuple x0, {x0, x1}", "cons x0, x0, x2"],
    "kv_double_v/2": ["add x0, x1, x1"],
    "v_odd/2": ["loadi x2, 2", "mod x0, x1, x2", "loadi x2, 1", "eq x0, x2, yes", "loadc x0, false", "ret x0",
                "yes: loadc x0, true"],
}

E_BADARG = "{:error, :badarg}"
E_BADARITH = "{:error, :badarith}"
E_LIMIT = "{:error, :system_limit}"
T_OOPS = "{:throw, :oops}"

# Sort stability on a longer list: {i mod 3, i} in a scrambled order, by the
# key only (sort/2), and equal numbers of both kinds (sort/1: 1 == 1.0).
scrambled = [(i * 7) % 20 for i in range(20)]
pairs = [(i % 3, i) for i in scrambled]
pairs_text = "[" + ", ".join(f"{{{k}, {v}}}" for k, v in pairs) + "]"
pairs_sorted = "[" + ", ".join(f"{{{k}, {v}}}" for k, v in sorted(pairs, key=lambda p: p[0])) + "]"
# The merge sort's levels end on an odd run at some lengths and not at
# others: every length up to 17, then a few past powers of two, both ways.
def keyed(n):
    return [((i * 7 + 3) % 5, i) for i in [(j * 11) % n for j in range(n)]] if n % 11 else [((i * 7 + 3) % 5, i) for i in range(n)]


def tuples_text(ps):
    return "[" + ", ".join(f"{{{k}, {v}}}" for k, v in ps) + "]"


STABILITY = []
for n in list(range(2, 18)) + [31, 33, 63, 65, 100]:
    ps = keyed(n)
    STABILITY.append(("list.sort/2", [tuples_text(ps), "fn:by_first/2"], tuples_text(sorted(ps, key=lambda p: p[0]))))
    STABILITY.append(("list.sort/2", [tuples_text(ps), "fn:by_first_ge/2"], tuples_text(sorted(ps, key=lambda p: -p[0]))))
# In order already, partly or in reverse: the first level's longer runs.
for ps in ([(i // 4, i) for i in range(30)], [(3 - i // 8, i) for i in range(30)],
           [(i % 6, i) for i in range(30)], [(0, i) for i in range(9)]):
    for name, key in (("by_first", lambda p: p[0]), ("by_first_ge", lambda p: -p[0])):
        STABILITY.append(("list.sort/2", [tuples_text(ps), f"fn:{name}/2"], tuples_text(sorted(ps, key=key))))
numbers = [(i * 3) % 5 for i in range(12)]
numbers_text = [f"{n}.0" if i % 2 else str(n) for i, n in enumerate(numbers)]
numbers_sorted = [t for _, t in sorted(zip(numbers, numbers_text), key=lambda p: p[0])]

LIST = [
    ("list.sort/1", ["[3, 1, 2]"], "[1, 2, 3]"),
    ("list.sort/1", ["[]"], "[]"),
    ("list.sort/1", ["[5, -3, 2147483647, 0, 5]"], "[-3, 0, 5, 5, 2147483647]"),
    ("list.sort/1", ["[100000000000000000000, 1, -100000000000000000000]"],
     "[-100000000000000000000, 1, 100000000000000000000]"),
    ("list.sort/1", ['[:b, 3, "x", {1}, 2.5, [], :a, 1, %{}]'], '[1, 2.5, 3, :a, :b, {1}, %{}, [], "x"]'),
    ("list.sort/1", ["[2, 1.0, 1, 2.0]"], "[1.0, 1, 2, 2.0]"),
    ("list.sort/1", ["[" + ", ".join(numbers_text) + "]"], "[" + ", ".join(numbers_sorted) + "]"),
    ("list.sort/1", ["5"], E_BADARG),
    ("list.sort/1", [IMPROPER], E_BADARG),
    ("list.sort/2", ["[3, 1, 2]", "fn:ge/2"], "[3, 2, 1]"),
    ("list.sort/2", ["[{2, :a}, {1, :b}, {2, :c}, {1, :d}]", "fn:by_first/2"], "[{1, :b}, {1, :d}, {2, :a}, {2, :c}]"),
    ("list.sort/2", [pairs_text, "fn:by_first/2"], pairs_sorted),
    *STABILITY,
    ("list.sort/2", ["[]", "fn:le/2"], "[]"),
    ("list.sort/2", ["[1]", "fn:le/2"], "[1]"),
    ("list.sort/2", ["5", "fn:le/2"], E_BADARG),
    ("list.sort/2", [IMPROPER, "fn:le/2"], E_BADARG),
    ("list.sort/2", ["[1, 2]", "fn:double/1"], E_BADARG),
    ("list.sort/2", ["[1, 2]", "7"], E_BADARG),
    ("list.sort/2", ["[2, 1]", "fn:not_bool2/2"], E_BADARG),
    ("list.sort/2", ["[2, 1, 3]", "fn:bad_2_3/2"], E_BADARG),        # in the merge from the largest
    ("list.sort/2", ["[1, 2, 3, 4, 5]", "fn:bad_2_3/2"], E_BADARG),  # in the merge from the smallest
    ("list.sort/2", ["[2, 1]", "fn:throw2/2"], T_OOPS),
    ("list.map/2", ["[1, 2, 3]", "fn:double/1"], "[2, 4, 6]"),
    ("list.map/2", ["[]", "fn:double/1"], "[]"),
    ("list.map/2", [":x", "fn:double/1"], E_BADARG),
    ("list.map/2", [IMPROPER, "fn:double/1"], E_BADARG),
    ("list.map/2", ["[1]", "fn:add/2"], E_BADARG),
    ("list.map/2", ["[1]", "fn:throw1/1"], T_OOPS),
    ("list.filter/2", ["[1, 2, 3, 4]", "fn:is_even/1"], "[2, 4]"),
    ("list.filter/2", ["[]", "fn:is_even/1"], "[]"),
    ("list.filter/2", ["[1]", "fn:not_bool1/1"], E_BADARG),
    ("list.filter/2", ["5", "fn:is_even/1"], E_BADARG),
    ("list.filter/2", [IMPROPER, "fn:is_even/1"], E_BADARG),
    ("list.foldl/3", ["[1, 2, 3]", "[]", "fn:cons_acc/2"], "[3, 2, 1]"),
    ("list.foldl/3", ["[1, 2, 3]", "0", "fn:add/2"], "6"),
    ("list.foldl/3", ["7", "0", "fn:add/2"], E_BADARG),
    ("list.foldl/3", ["[1]", "0", "fn:double/1"], E_BADARG),
    ("list.foldr/3", ["[1, 2, 3]", "[]", "fn:cons_acc/2"], "[1, 2, 3]"),
    ("list.foldr/3", ["[]", ":acc", "fn:add/2"], ":acc"),
    ("list.foldr/3", [IMPROPER, "[]", "fn:cons_acc/2"], E_BADARG),
    ("list.foldr/3", ["[1]", "0", "fn:double/1"], E_BADARG),
    ("list.zip/2", ["[1, 2]", "[:a, :b]"], "[{1, :a}, {2, :b}]"),
    ("list.zip/2", ["[]", "[]"], "[]"),
    ("list.zip/2", ["[1]", "[]"], E_BADARG),
    ("list.zip/2", ["1", "[]"], E_BADARG),
    ("list.nth/2", ["[:a, :b, :c]", "0"], ":a"),
    ("list.nth/2", ["[:a, :b, :c]", "2"], ":c"),
    ("list.nth/2", ["[:a]", "1"], E_BADARG),
    ("list.nth/2", ["[:a]", "-1"], E_BADARG),
    ("list.nth/2", [":x", "0"], E_BADARG),
    ("list.last/1", ["[1, 2, 3]"], "3"),
    ("list.last/1", ["[]"], E_BADARG),
    ("list.last/1", [IMPROPER], E_BADARG),
    ("list.member/2", ["[1, 2, 3]", "2"], "true"),
    ("list.member/2", ["[1, 2, 3]", "2.0"], "false"),
    ("list.member/2", ["[]", "1"], "false"),
    ("list.member/2", [IMPROPER, "9"], E_BADARG),
    ("list.keyfind/3", ["[{:a, 1}, {:b, 2}]", ":b", "0"], "{:b, 2}"),
    ("list.keyfind/3", ["[{:a, 1}, {:b, 2}]", "2", "1"], "{:b, 2}"),
    ("list.keyfind/3", ["[{:a, 1}]", ":z", "0"], "false"),
    ("list.keyfind/3", ["[:x, {}, {:a, 1}]", ":a", "0"], "{:a, 1}"),
    ("list.keyfind/3", ["[{1.0, :x}]", "1", "0"], "{1.0, :x}"),
    ("list.keyfind/3", ["[]", ":a", "-1"], E_BADARG),
    ("list.keyfind/3", [IMPROPER, ":a", "0"], E_BADARG),
    ("list.flatten/1", ["[1, [2, [3, []], 4], [[5]]]"], "[1, 2, 3, 4, 5]"),
    ("list.flatten/1", ["[]"], "[]"),
    ("list.flatten/1", [":x"], E_BADARG),
    ("list.flatten/1", [IMPROPER], E_BADARG),
    ("list.sum/1", ["[1, 2, 3]"], "6"),
    ("list.sum/1", ["[]"], "0"),
    ("list.sum/1", ["[1, 2.5]"], "3.5"),
    ("list.sum/1", ["[2147483647, 1]"], "2147483648"),
    ("list.sum/1", ["[100000000000000000000, 5, -100000000000000000000]"], "5"),
    ("list.sum/1", ["[1, :a]"], E_BADARITH),
    ("list.sum/1", ["[1.0e308, 1.0e308]"], E_BADARITH),
    ("list.sum/1", [":x"], E_BADARG),
    ("list.max/1", ["[3, 7, 2]"], "7"),
    ("list.max/1", ['[1, :a, "b"]'], '"b"'),
    ("list.max/1", ["[1, 1.0]"], "1"),
    ("list.max/1", ["[]"], E_BADARG),
    ("list.min/1", ["[3, 7, 2]"], "2"),
    ("list.min/1", ["[1.0, 1]"], "1.0"),
    ("list.min/1", [IMPROPER], E_BADARG),
    ("list.duplicate/2", [":x", "3"], "[:x, :x, :x]"),
    ("list.duplicate/2", [":x", "0"], "[]"),
    ("list.duplicate/2", [":x", "-1"], E_BADARG),
    ("list.duplicate/2", [":x", "140737488355327"], E_LIMIT),
    ("list.split/2", ["[1, 2, 3]", "1"], "{[1], [2, 3]}"),
    ("list.split/2", ["[1, 2, 3]", "3"], "{[1, 2, 3], []}"),
    ("list.split/2", ["[]", "0"], "{[], []}"),
    ("list.split/2", ["[1]", "2"], E_BADARG),
    ("list.split/2", ["[1]", "-1"], E_BADARG),
    ("list.take/2", ["[1, 2, 3]", "2"], "[1, 2]"),
    ("list.take/2", ["[1, 2]", "5"], "[1, 2]"),
    ("list.take/2", ["[1]", "-1"], E_BADARG),
    ("list.take/2", [":x", "1"], E_BADARG),
    ("list.drop/2", ["[1, 2, 3]", "2"], "[3]"),
    ("list.drop/2", ["[1, 2]", "5"], "[]"),
    ("list.drop/2", [":x", "0"], E_BADARG),
    ("list.uniq/1", ["[1, 2, 1, 3, 2, 1.0]"], "[1, 2, 3, 1.0]"),
    ("list.uniq/1", ["[]"], "[]"),
    ("list.uniq/1", [IMPROPER], E_BADARG),
    ("list.reverse/2", ["[1, 2]", "[3]"], "[2, 1, 3]"),
    ("list.reverse/2", [":x", "[]"], E_BADARG),
    ("list.reverse/1", ["[1, 2, 3]"], "[3, 2, 1]"),
    ("native.list.reverse/1", ["[1, 2]"], "[2, 1]"),
]

MAP = [
    ("map.fold/3", ["%{a: 1, b: 2}", "0", "fn:kv_sum/3"], "3"),
    ("map.fold/3", ["%{a: 1, b: 2}", "[]", "fn:kv_pairs/3"], "[{:b, 2}, {:a, 1}]"),
    ("map.fold/3", ["%{}", ":acc", "fn:kv_sum/3"], ":acc"),
    ("map.fold/3", [":x", "0", "fn:kv_sum/3"], E_BADARG),
    ("map.fold/3", ["%{a: 1}", "0", "fn:add/2"], E_BADARG),
    ("map.map/2", ["%{a: 1, b: 2}", "fn:kv_double_v/2"], "%{a: 2, b: 4}"),
    ("map.map/2", ["%{}", "fn:kv_double_v/2"], "%{}"),
    ("map.map/2", ["[]", "fn:kv_double_v/2"], E_BADARG),
    ("map.map/2", ["%{a: 1}", "fn:inc/1"], E_BADARG),
    ("map.filter/2", ["%{a: 1, b: 2, c: 3}", "fn:v_odd/2"], "%{a: 1, c: 3}"),
    ("map.filter/2", ["%{a: 1}", "fn:not_bool2/2"], E_BADARG),
    ("map.filter/2", ["5", "fn:v_odd/2"], E_BADARG),
    ("map.merge/2", ["%{a: 1, b: 2}", "%{b: 3, c: 4}"], "%{a: 1, b: 3, c: 4}"),
    ("map.merge/2", ["%{}", "%{a: 1}"], "%{a: 1}"),
    ("map.merge/2", ["%{a: 1}", "%{}"], "%{a: 1}"),
    ("map.merge/2", ["%{a: 1}", ":x"], E_BADARG),
    ("map.update/3", ["%{a: 1}", ":a", "5"], "%{a: 5}"),
    ("map.update/3", ["%{a: 1}", ":b", "5"], "{:error, {:badkey, :b}}"),
    ("map.update/3", [":x", ":a", "1"], E_BADARG),
    ("map.update_with/3", ["%{a: 1}", ":a", "fn:inc/1"], "%{a: 2}"),
    ("map.update_with/3", ["%{a: 1}", ":b", "fn:inc/1"], "{:error, {:badkey, :b}}"),
    ("map.update_with/3", ["%{a: 1}", ":a", "fn:add/2"], E_BADARG),
    ("map.update_with/3", ["[]", ":a", "fn:inc/1"], E_BADARG),
    ("map.update_with/4", ["%{a: 1}", ":a", "fn:inc/1", "0"], "%{a: 2}"),
    ("map.update_with/4", ["%{a: 1}", ":b", "fn:inc/1", "0"], "%{a: 1, b: 0}"),
    ("map.update_with/4", [":x", ":a", "fn:inc/1", "0"], E_BADARG),
    ("map.take/2", ["%{a: 1, b: 2, c: 3}", "[:a, :c, :z]"], "%{a: 1, c: 3}"),
    ("map.take/2", ["%{a: 1}", ":a"], E_BADARG),
    ("map.take/2", [":x", "[]"], E_BADARG),
    ("map.from_keys/2", ["[:a, :b]", "0"], "%{a: 0, b: 0}"),
    ("map.from_keys/2", ["[]", "0"], "%{}"),
    ("map.from_keys/2", [":x", "0"], E_BADARG),
]

# A list in order already is one run for list.sort/2: n - 1 calls of Fun.
# (The messages counting_le/2 sent are counted, and taken, after the sort.)
LIST_RAW = [
    ("list.sort/2 of 1..40 in order: the number of calls of Fun", [
        "loadi x0, 1", "loadi x1, 40", "call x0, list.seq/2", "fn x1, counting_le/2", "call x0, list.sort/2",
        "loadi x0, 0", "count: recv x1, counted", "accept", "add x0, x0, 1", "jmp count", "counted: mov x0, x0"], "39"),
]

# A map of 40 entries (a trie, not a flat map) through every function.
MAP_RAW = [
    ("map.from_keys/2 + map.fold/3 over 40 keys", [
        "loadi x0, 1", "loadi x1, 40", "call x0, list.seq/2", "loadi x1, 2", "call x0, map.from_keys/2",
        "loadi x1, 0", "fn x2, kv_sum/3", "call x0, map.fold/3"], "80"),
    ("map.map/2 + map.filter/2 + map.merge/2 over 40 keys", [
        "loadi x0, 1", "loadi x1, 40", "call x0, list.seq/2", "loadi x1, 3", "call x0, map.from_keys/2",
        "fn x1, kv_double_v/2", "call x0, map.map/2", "fn x1, v_odd/2", "call x0, map.filter/2",
        "call x0, map.to_list/1"], "[]"),
    ("map.merge/2 over 40 keys", [
        "loadi x0, 1", "loadi x1, 40", "call x0, list.seq/2", "loadi x1, 1", "call y0, map.from_keys/2",
        "loadi x0, 21", "loadi x1, 60", "call x0, list.seq/2", "loadi x1, 2", "call x1, map.from_keys/2",
        "mov x0, y0", "call x0, map.merge/2", "call x0, map.values/1", "call x0, list.sum/1"], "100"),
]

STRING = [
    ("string.split/2", ['"a,b,,c"', '","'], '["a", "b", "", "c"]'),
    ("string.split/2", ['"abc"', '","'], '["abc"]'),
    ("string.split/2", ['""', '","'], '[""]'),
    ("string.split/2", ['"a--b--"', '"--"'], '["a", "b", ""]'),
    ("string.split/2", ['"a"', '""'], E_BADARG),
    ("string.split/2", [":x", '","'], E_BADARG),
    ("string.split/1", ['"  hello \\t world\\n"'], '["hello", "world"]'),
    ("string.split/1", ['""'], "[]"),
    ("string.split/1", ['"   "'], "[]"),
    ("string.split/1", ["5"], E_BADARG),
    ("string.join/2", ['["a", "b", "c"]', '", "'], '"a, b, c"'),
    ("string.join/2", ["[]", '","'], '""'),
    ("string.join/2", ['["a", 1]', '","'], E_BADARG),
    ("string.join/2", ['["a"]', ":x"], E_BADARG),
    ("string.trim/1", ['"  hi there \\n"'], '"hi there"'),
    ("string.trim/1", ['"\\t\\n"'], '""'),
    ("string.trim/1", ["5"], E_BADARG),
    ("string.trim_leading/1", ['"  hi  "'], '"hi  "'),
    ("string.trim_trailing/1", ['"  hi  "'], '"  hi"'),
    ("string.replace/3", ['"a-b-c"', '"-"', '"+"'], '"a+b+c"'),
    ("string.replace/3", ['"aaa"', '"aa"', '"b"'], '"ba"'),
    ("string.replace/3", ['"abc"', '"x"', '"y"'], '"abc"'),
    ("string.replace/3", ['"abc"', '""', '"y"'], E_BADARG),
    ("string.contains/2", ['"hello"', '"ell"'], "true"),
    ("string.contains/2", ['"hello"', '""'], "true"),
    ("string.contains/2", ['"hello"', '"xyz"'], "false"),
    ("string.contains/2", ['"hello"', "1"], E_BADARG),
    ("string.starts_with/2", ['"hello"', '"he"'], "true"),
    ("string.starts_with/2", ['"hello"', '"lo"'], "false"),
    ("string.ends_with/2", ['"hello"', '"lo"'], "true"),
    ("string.ends_with/2", ['"lo"', '"hello"'], "false"),
    ("string.ends_with/2", ["5", '""'], E_BADARG),
    ("string.upcase/1", ['"Hello, w\\xC3\\xB6rld 1"'], '"HELLO, W\u00d6RLD 1"'),
    ("string.downcase/1", ['"ABC def"'], '"abc def"'),
    ("string.upcase/1", [":a"], E_BADARG),
    ("string.to_float/1", ['"1.5"'], "1.5"),
    ("string.to_float/1", ['"2.5e1"'], "25.0"),
    ("string.to_float/1", ['"+3"'], "3.0"),
    ("string.to_float/1", ['"-1e-2"'], "-0.01"),
    ("string.to_float/1", ['"1e-400"'], "0.0"),
    ("string.to_float/1", ['"1."'], E_BADARG),
    ("string.to_float/1", ['".5"'], E_BADARG),
    ("string.to_float/1", ['"1.5x"'], E_BADARG),
    ("string.to_float/1", ['" 1.5"'], E_BADARG),
    ("string.to_float/1", ['"inf"'], E_BADARG),
    ("string.to_float/1", ['"1e400"'], E_BADARG),
    ("string.to_float/1", ['""'], E_BADARG),
    ("string.to_float/1", ["1.5"], E_BADARG),
    ("string.length/1", ['"h\\xC3\\xA9llo"'], "5"),
    ("string.length/1", ['""'], "0"),
    ("string.length/1", ["<<255>>"], E_BADARG),
    ("string.slice/3", ['"h\\xC3\\xA9llo"', "1", "3"], '"\u00e9ll"'),
    ("string.slice/3", ['"abc"', "2", "10"], '"c"'),
    ("string.slice/3", ['"abc"', "5", "1"], '""'),
    ("string.slice/3", ['"abc"', "-1", "1"], E_BADARG),
    ("string.slice/3", ["<<0xC3>>", "0", "1"], E_BADARG),
    ("string.reverse/1", ['"h\\xC3\\xA9llo"'], '"oll\u00e9h"'),
    ("string.reverse/1", ['""'], '""'),
    ("string.reverse/1", ["<<0xC3>>"], E_BADARG),
    ("string.reverse/1", ["<<0xED, 0xA0, 0x80>>"], E_BADARG),
    ("string.pad_leading/2", ['"7"', "3"], '"  7"'),
    ("string.pad_leading/3", ['"7"', "3", '"0"'], '"007"'),
    ("string.pad_leading/3", ['"abc"', "2", '"0"'], '"abc"'),
    ("string.pad_leading/3", ['"7"', "3", '"00"'], E_BADARG),
    ("string.pad_leading/2", ['"7"', "-1"], E_BADARG),
    ("string.pad_leading/2", ['"7"', "140737488355327"], E_LIMIT),
    ("string.pad_leading/2", ['"7"', "1099511627776"], E_LIMIT),
    ("string.pad_trailing/2", ['"ab"', "4"], '"ab  "'),
    ("string.pad_trailing/3", ['"\\xC3\\xA9"', "3", '"-"'], '"\u00e9--"'),
    ("string.pad_trailing/3", ['"a"', "3", '""'], E_BADARG),
]

NUMBERS = [
    ("integer.digits/1", ["1203"], "[1, 2, 0, 3]"),
    ("integer.digits/1", ["0"], "[0]"),
    ("integer.digits/1", ["100000000000000000000"], "[1" + ", 0" * 20 + "]"),
    ("integer.digits/1", ["-5"], E_BADARG),
    ("integer.digits/1", ["1.0"], E_BADARG),
    ("integer.digits/2", ["255", "16"], "[15, 15]"),
    ("integer.digits/2", ["5", "2"], "[1, 0, 1]"),
    ("integer.digits/2", ["5", "1"], E_BADARG),
    ("integer.digits/2", ["5", "37"], E_BADARG),
    ("integer.gcd/2", ["12", "18"], "6"),
    ("integer.gcd/2", ["-12", "18"], "6"),
    ("integer.gcd/2", ["0", "0"], "0"),
    ("integer.gcd/2", ["0", "-5"], "5"),
    ("integer.gcd/2", ["100000000000000000000", "30"], "10"),
    ("integer.gcd/2", ["-100000000000000000000", "-300000000000000000000"], "100000000000000000000"),
    ("integer.gcd/2", ["1.0", "2"], E_BADARG),
    ("integer.pow/2", ["2", "10"], "1024"),
    ("integer.pow/2", ["2", "100"], "1267650600228229401496703205376"),
    ("integer.pow/2", ["-3", "3"], "-27"),
    ("integer.pow/2", ["0", "0"], "1"),
    ("integer.pow/2", ["5", "0"], "1"),
    ("integer.pow/2", ["-1", "100000000000000000001"], "-1"),
    ("integer.pow/2", ["2", "-1"], E_BADARITH),
    ("integer.pow/2", ["2.0", "2"], E_BADARG),
    ("integer.pow/2", ["2", "100000000000000000000"], E_LIMIT),
    ("integer.pow/2", ["2", "67108864"], E_LIMIT),
    ("integer.pow/2", ["3", "67108864"], E_LIMIT),
    ("binary.from_integer/2", ["255", "16"], '"FF"'),
    ("binary.to_integer/2", ['"-zz"', "36"], "-1295"),
    ("float.format/2", ["3.14159", "2"], '"3.14"'),
    ("float.format/2", ["2", "1"], '"2.0"'),
    ("float.format/2", ["0.125", "2"], '"0.12"'),
    ("float.format/2", ["-1.5", "0"], '"-2"'),
    ("float.format/2", ["1.0e20", "1"], '"100000000000000000000.0"'),
    ("float.format/2", ["1.5", "-1"], E_BADARG),
    ("float.format/2", ["1.5", "254"], E_BADARG),
    ("float.format/2", [":x", "2"], E_BADARG),
    ("function.arity/1", ["fn:add/2"], "2"),
    ("function.arity/1", ["fn:kv_sum/3"], "3"),
    ("function.arity/1", ["5"], E_BADARG),
]

TUPLE = [
    ("tuple.make/2", ["3", ":a"], "{:a, :a, :a}"),
    ("tuple.make/2", ["0", ":a"], "{}"),
    ("tuple.make/2", ["-1", ":a"], E_BADARG),
    ("tuple.make/2", ["1099511627776", ":a"], E_LIMIT),
    ("tuple.append/2", ["{1, 2}", "3"], "{1, 2, 3}"),
    ("tuple.append/2", ["{}", "1"], "{1}"),
    ("tuple.append/2", ["[]", "1"], E_BADARG),
    ("tuple.insert/3", ["{1, 3}", "1", "2"], "{1, 2, 3}"),
    ("tuple.insert/3", ["{1}", "1", "2"], "{1, 2}"),
    ("tuple.insert/3", ["{1}", "0", "0"], "{0, 1}"),
    ("tuple.insert/3", ["{1}", "2", "0"], E_BADARG),
    ("tuple.insert/3", [":x", "0", "0"], E_BADARG),
    ("tuple.delete/2", ["{1, 2, 3}", "1"], "{1, 3}"),
    ("tuple.delete/2", ["{1}", "1"], E_BADARG),
    ("tuple.delete/2", ["{}", "0"], E_BADARG),
    ("tuple.delete/2", ["{1}", "-1"], E_BADARG),
]


def arg_code(reg, text):
    if text == IMPROPER:
        return [f"loadi x9, 3", f"loadi x10, 2", "cons x9, x10, x9", "loadi x10, 1", f"cons x{reg}, x10, x9"]
    if text.startswith("fn:"):
        return [f"fn x{reg}, {text[3:]}"]
    return [f"load x{reg}, {text}"]


def program(title, cases, raw=()):
    out = [f"; {title}: every function, its values and its errors (generated by generate.py).",
           "func main/0"]
    body, expected = [], []
    n = 0
    for fn, args, want in cases:
        name = f"case{n}/0"
        out += [f"  fn x0, {name}", "  call x0, run/1"]
        code = []
        for i, a in enumerate(args):
            code += arg_code(i, a)
        body += [f"; {fn}({', '.join(args)})", f"func {name}"] + [f"  {c}" for c in code] + \
                [f"  call x0, {fn}", "  ret x0", ""]
        expected.append(want)
        n += 1
    for label, code, want in raw:
        name = f"case{n}/0"
        out += [f"  fn x0, {name}", "  call x0, run/1"]
        body += [f"; {label}", f"func {name} frame=1"] + [f"  {c}" for c in code] + ["  ret x0", ""]
        expected.append(want)
        n += 1
    out += ["  loadc x0, :done", "  ret x0", "",
            "; run(Case): prints what the closure returns, or {Class, Reason} of what it raises.",
            "func run/1 frame=1",
            "  try y0, caught",
            "  apply x0, x0",
            "  tryend y0",
            "  call x0, io.print/1",
            "  ret x0",
            "caught:",
            "  tuple x0, {x0, x1}",
            "  call x0, io.print/1",
            "  ret x0", ""]
    out += body
    for helper, lines in HELPERS.items():
        out += [f"func {helper}"] + [f"  {l}" if not l.split(" ")[0].endswith(":") else l for l in lines] + ["  ret x0", ""]
    return "\n".join(out), "\n".join(expected) + "\n"


def write(name, title, cases, raw=()):
    text, expected = program(title, cases, raw)
    with open(os.path.join(HERE, name + ".lzs"), "w") as f:
        f.write(text)
    with open(os.path.join(HERE, name + ".expected"), "w", encoding="utf-8") as f:
        f.write(expected)


write("list_fns", "list (the standard library)", LIST, LIST_RAW)
write("map_fns", "map (the standard library)", MAP, MAP_RAW)
write("string_fns", "string (the standard library)", STRING)
write("number_fns", "integer, float.format and function.arity (the standard library)", NUMBERS)
write("tuple_fns", "tuple (the standard library)", TUPLE)
