#!/usr/bin/env python3
"""Writes src/cli/startup.order: the functions and data of `lzr` that a short
run touches, for the linker to place first and together (cmake/lean_link.cmake).

Usage: scripts/startup-order.py [--lzr build/release/lzr] [--out src/cli/startup.order]
       scripts/startup-order.py --check [--lzr build/release/lzr]

It runs `lzr run` on a program that prints one integer, from text assembly and
from a module file, on every engine, under valgrind's callgrind (which
records every function executed), and lists the binary's functions by their
symbol (mangled) names, those of the first run first. Then it runs the same
programs under valgrind's lackey, which traces every data access, and lists
after the functions the binary's data symbols (tables, vtables, type names)
those runs read or write, in the order first touched. Rerun it after changes
that move start-up work to other functions; a stale list costs memory, not
correctness (docs/performance.md, "Start-up memory"). Each program runs with
one scheduler, with two, and with no --schedulers (one per online core: what
a plain `lzr run`, and bench/run, gets), its functions listed in that order,
so that what a default run executes lies together.

Last come the functions longer programs run besides (common_runs): building
every asm routine, and each program of bench/programs at its bench/guard size
on both engines, under callgrind too (about a minute), so that the code a
typical program adds lies together after the short run's.

--check writes nothing: it fails (exit status 1) when a function that the
one-scheduler short runs execute is missing from the file (runs with several
schedulers are not repeatable: a steal depends on timing), that is, when the
file is stale for this build (ctest runs it on optimized builds: `ctest -L
guard`).
"""

import argparse
import bisect
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = "func main/0\n  loadi x0, 42\n  call x0, io.print/1\n  ret x0\n"
# With several schedulers, the others look for work and go to sleep while
# `main` runs (a real short run's second thread does that within its first
# millisecond); under valgrind they get that far only if `main` runs a while,
# here in one long built-in call (3^3000000) that never yields. Only what the
# other threads run is listed from it (callgrind --separate-threads).
IDLE_PROGRAM = ("func main/0\n  loadi x0, 3\n  load x1, 3000000\n  call x0, integer.pow/2\n"
                "  loadi x0, 42\n  call x0, io.print/1\n  ret x0\n")
NAME_LINE = re.compile(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$")
# nm's letters for read-only, initialised, zeroed and weak data, and "u" for
# unique globals (a template's or an inline variable's static, such as
# std::filesystem::path::preferred_separator, which every run reads).
DATA_TYPES = set("rRdDbBvVu")


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
            name = functions[ident].split("'")[0]  # callgrind marks recursion levels as NAME'2
            # Code without a symbol (the PLT) is named by its address, which
            # moves with every build, and "(below main)" is callgrind's own.
            if not name.startswith(("0x", "(")):
                names.append(name)
    return names


def data_symbols(binary):
    """(start, size, name) of the binary's defined data symbols, sorted by start."""
    out = subprocess.run(["nm", "-S", "--defined-only", str(binary)], check=True, capture_output=True, text=True).stdout
    symbols = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in DATA_TYPES:
            symbols.append((int(parts[0], 16), max(int(parts[1], 16), 1), parts[3]))
    symbols.sort()
    return symbols


def data_touched(lackey_log, binary, symbols):
    """Data symbols of `binary` that a lackey trace (--trace-mem=yes, run with
    -v -v so that valgrind prints where it mapped the binary) loads, stores
    or modifies, in the order first touched."""
    starts = [s[0] for s in symbols]
    base, reading, names = None, False, []
    for line in lackey_log.read_text(errors="replace").splitlines():
        if base is None:
            # "--pid-- Reading syms from BINARY" then "--pid--    svma 0x..., avma 0x..."
            if line.startswith("--") and "Reading syms from " in line:
                reading = line.split("Reading syms from ", 1)[1].strip() == str(binary)
            elif reading and "svma 0x" in line:
                m = re.search(r"svma (0x[0-9a-f]+), avma (0x[0-9a-f]+)", line)
                base = int(m.group(2), 16) - int(m.group(1), 16)
            continue
        if line[:2] not in (" L", " S", " M"):
            continue
        address = int(line[3:].split(",")[0], 16) - base
        i = bisect.bisect_right(starts, address) - 1
        if i >= 0 and address < symbols[i][0] + symbols[i][1]:
            names.append(symbols[i][2])
    if base is None:
        sys.exit(f"startup-order: valgrind did not say where it mapped {binary}")
    return names


def short_runs(tmp, several):
    """The short runs, in the order their functions are listed: for each
    engine (asm first, bench/run's first column) and program (text first),
    one scheduler, then (with `several`) two schedulers, no --schedulers (one
    per online core, the count a plain `lzr run` and bench/run get), and the
    idle program at each of those two. Yields (engine, program, scheduler
    count or None, whether to keep only the threads other than main's)."""
    source, module, idle = tmp / "one.lzs", tmp / "one.lzr", tmp / "idle.lzs"
    for engine in ("asm", "portable"):
        for program in (source, module):
            yield engine, program, 1, False
            if several:
                for n in (2, None):
                    yield engine, program, n, False
                if program == source:
                    for n in (2, None):
                        yield engine, idle, n, True


def run_short_programs(lzr, tmp, tool_args, tag, several=True):
    """Runs the short runs (short_runs) under valgrind with `tool_args`;
    yields the output file of each, for the idle program one per thread
    other than the first, which runs `main`."""
    (tmp / "one.lzs").write_text(PROGRAM)
    (tmp / "idle.lzs").write_text(IDLE_PROGRAM)
    subprocess.run([str(lzr), "asm", str(tmp / "one.lzs"), "-o", str(tmp / "one.lzr")], check=True)
    env = {k: v for k, v in os.environ.items() if k != "LZR_SCHEDULERS"}
    for engine, program, n, other_threads in short_runs(tmp, several):
        out = tmp / f"{tag}.{n or 'default'}.{engine}.{program.name}"
        flag = [] if n is None else [f"--schedulers={n}"]
        # Several threads: valgrind runs one at a time, and without
        # --fair-sched the main thread may finish before another looks for work.
        fair = [] if n == 1 else ["--fair-sched=yes"]
        threads = ["--separate-threads=yes"] if other_threads else []
        subprocess.run(["valgrind", *fair, *tool_args(out), *threads, str(lzr), "run", *flag, f"--engine={engine}",
                        str(program)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if other_threads:
            yield from sorted(tmp.glob(out.name + "-*"))[1:]  # -01 is the main thread
        else:
            yield out


def common_runs(lzr, tmp):
    """The functions that longer programs run beyond a short run's, listed
    after all of its functions and data: what building every routine of the
    asm engine executes (LZR_ASM_EAGER=1), then each benchmark program at
    its bench/guard size on each engine, one scheduler. Packed together, the
    code a typical program adds (the emitters and asmjit, the collector,
    the built-ins) touches fewer 64 KiB windows of the binary."""
    env = {k: v for k, v in os.environ.items() if k != "LZR_SCHEDULERS"}
    runs = [({"LZR_ASM_EAGER": "1"}, "asm", tmp / "one.lzs", [], os.devnull)]
    for guard_args in sorted((ROOT / "bench" / "programs").glob("*/guard_args")):
        program = guard_args.parent / (guard_args.parent.name + ".lzs")
        program_args, stdin = guard_args.read_text().split(), os.devnull
        maker = guard_args.parent / "make_input"  # it reads standard input (bench/guard does the same)
        if maker.exists():
            stdin = tmp / f"{program.stem}.stdin"
            with open(stdin, "wb") as f:
                subprocess.run([sys.executable, str(maker), *program_args], stdout=f, check=True)
            program_args = []
        for engine in ("asm", "portable"):
            runs.append(({}, engine, program, program_args, stdin))
    functions = []
    for i, (extra_env, engine, program, program_args, stdin) in enumerate(runs):
        out = tmp / f"common.{i}"
        with open(stdin, "rb") as f:
            subprocess.run(["valgrind", *callgrind_args(out), str(lzr), "run", "--schedulers=1", f"--engine={engine}",
                            str(program), *program_args], check=True, stdin=f, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env={**env, **extra_env}, cwd=program.parent)
        functions += functions_run(out, lzr)
    return functions


def callgrind_args(out):
    return ["--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}"]


def lackey_args(out):
    return ["--tool=lackey", "--trace-mem=yes", "-v", "-v", f"--log-file={out}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lzr", type=Path, default=ROOT / "build" / "release" / "lzr")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "cli" / "startup.order")
    ap.add_argument("--check", action="store_true", help="fail if the file misses a function the short runs execute")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("startup-order: needs valgrind (apt-get install valgrind)")
    lzr = args.lzr.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # One scheduler is what --check compares: with several, which
        # functions run (a steal, a sleep) depends on the threads' timing.
        functions = []
        for out in run_short_programs(lzr, tmp, callgrind_args, "callgrind", several=not args.check):
            functions += functions_run(out, lzr)
        functions = list(dict.fromkeys(functions))
        if args.check:
            listed = set(args.out.read_text().split())
            missing = [n for n in functions if n not in listed]
            if missing:
                print(f"startup-order: {args.out} is stale: {len(missing)} functions that a short run executes are "
                      f"not in it, e.g.\n  " + "\n  ".join(missing[:10]) +
                      f"\nRegenerate it: scripts/startup-order.py --lzr {args.lzr} (then rebuild)")
                sys.exit(1)
            print(f"startup-order: {args.out} lists all {len(functions)} functions a one-scheduler short run executes")
            return
        symbols = data_symbols(lzr)
        # One scheduler only: lackey would log every access of the idle
        # program's multiplication, and the scheduler threads' data is small.
        data = []
        for out in run_short_programs(lzr, tmp, lackey_args, "lackey", several=False):
            data += data_touched(out, lzr, symbols)
        common = common_runs(lzr, tmp)
    names = list(dict.fromkeys(functions + data + common))
    args.out.write_text("".join(n + "\n" for n in names))
    tier2 = len(names) - len(dict.fromkeys(functions + data))
    print(f"startup-order: {len(functions)} functions and {len(names) - len(functions) - tier2} data symbols, then "
          f"{tier2} functions of longer programs -> {args.out}")


if __name__ == "__main__":
    main()
