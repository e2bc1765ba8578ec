#!/usr/bin/env python3
"""Writes src/cli/startup.order: the functions of `lzr` that a short run
executes, for the linker to place first and together (cmake/lean_link.cmake).

Usage: scripts/startup-order.py [--lzr build/release/lzr] [--out src/cli/startup.order]

It runs `lzr run` on a program that prints one integer, from text assembly and
from a module file, on every engine, under valgrind's callgrind (which
records every function executed), and lists the binary's functions by their
symbol (mangled) names, those of the first run first. Rerun it after changes
that move start-up work to other functions; a stale list costs memory, not
correctness (docs/performance.md, "Start-up memory").
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = "func main/0\n  loadi x0, 42\n  call x0, io.print/1\n  ret x0\n"
NAME_LINE = re.compile(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$")


def functions_run(callgrind_out, binary):
    """Symbol names of `binary`'s functions in a callgrind output file, in
    the order the file first names them."""
    objects, functions, names = {}, {}, []
    current_object = None
    for line in callgrind_out.read_text().splitlines():
        m = NAME_LINE.match(line)
        if not m:
            continue
        kind, ident, name = m.groups()
        table = objects if kind.endswith("ob") else functions
        if name:
            table[ident] = name
        if kind == "ob":
            current_object = objects[ident]
        elif kind == "fn" and current_object == str(binary):
            names.append(functions[ident].split("'")[0])  # callgrind marks recursion levels as NAME'2
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lzr", type=Path, default=ROOT / "build" / "release" / "lzr")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "cli" / "startup.order")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("startup-order: needs valgrind (apt-get install valgrind)")
    lzr = args.lzr.resolve()
    ordered = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source, module = tmp / "one.lzs", tmp / "one.lzr"
        source.write_text(PROGRAM)
        subprocess.run([str(lzr), "asm", str(source), "-o", str(module)], check=True)
        for engine in ("asm", "portable"):
            for program in (source, module):
                out = tmp / f"callgrind.{engine}.{program.suffix[1:]}"
                subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                                str(lzr), "run", f"--engine={engine}", str(program)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                ordered += functions_run(out, lzr)
    names = list(dict.fromkeys(ordered))
    args.out.write_text("".join(n + "\n" for n in names))
    print(f"startup-order: {len(names)} functions -> {args.out}")


if __name__ == "__main__":
    main()
