#!/usr/bin/env python3
"""The cost of one try/tryend pair and of one raise-and-catch 10 frames deep,
on Lazer (both engines) and Erlang, side by side.

bench/run times whole programs, start-up included (Erlang's alone is more
than these loops take). This script isolates the operations: it runs
bench/programs/try_loop and raise_deep next to variants without the
operation (the same loop without try/tryend; deep/1 returning instead of
raising; and a handler that reads the stack trace), takes the median CPU
time (user + sys) of N interleaved runs of each, and divides the
differences by the iteration counts.

    bench/exception_costs.py [--runs 21] [--lzr build/release/lzr]
"""

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROGRAMS = BENCH / "programs"
TRY_N, RAISE_N = 10_000_000, 1_000_000


def variants():
    """{name: (lzs text, erl text)}: the two programs and their variants."""
    try_lzs = (PROGRAMS / "try_loop" / "try_loop.lzs").read_text()
    try_erl = (PROGRAMS / "try_loop" / "try_loop.erl").read_text()
    raise_lzs = (PROGRAMS / "raise_deep" / "raise_deep.lzs").read_text()
    raise_erl = (PROGRAMS / "raise_deep" / "raise_deep.erl").read_text()

    def edit(text, *pairs):
        for old, new in pairs:
            if old not in text:
                sys.exit(f"bench/exception_costs.py: the program changed, cannot find {old!r}")
            text = text.replace(old, new)
        return text

    return {
        "try_loop": (try_lzs, try_erl),
        "try_base": (edit(try_lzs, ("  try y0, failed\n", ""), ("  tryend y0\n", "")),
                     edit(try_erl, ("-module(try_loop)", "-module(try_base)"),
                          ("try Acc + I catch error:_ -> 0 end", "Acc + I"))),
        "raise_deep": (raise_lzs, raise_erl),
        "raise_base": (edit(raise_lzs, ("  load x0, :bottom\n  call x0, kernel.error/1\n", "")),
                       edit(raise_erl, ("-module(raise_deep)", "-module(raise_base)"),
                            ("deep(0) -> erlang:error(bottom);", "deep(0) -> 0;"))),
        "raise_trace": (edit(raise_lzs, ("caught:\n  add y3, y3, y4\n", "caught:\n  size x2, x2\n  add y3, y3, x2\n")),
                        edit(raise_erl, ("-module(raise_deep)", "-module(raise_trace)"),
                             ("error:bottom -> Caught + 1", "error:bottom:St -> Caught + length(St)"))),
    }


def cpu_seconds(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"bench/exception_costs.py: {' '.join(cmd)} failed:\n{done.stdout}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=21, help="runs of each program (default 21)")
    ap.add_argument("--lzr", type=Path, default=BENCH.parent / "build" / "release" / "lzr")
    args = ap.parse_args()
    if not args.lzr.exists():
        sys.exit(f"bench/exception_costs.py: {args.lzr} does not exist (cmake --build --preset release --target lzr)")
    erlang = shutil.which("erl") and shutil.which("erlc")
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {}
        for name, (lzs, erl) in variants().items():
            (Path(tmp) / f"{name}.lzs").write_text(lzs)
            for engine in ("asm", "portable"):
                cmds[(name, engine)] = [str(args.lzr), "run", f"--engine={engine}", str(Path(tmp) / f"{name}.lzs")]
            if erlang:
                (Path(tmp) / f"{name}.erl").write_text(erl)
                subprocess.run(["erlc", "-o", tmp, str(Path(tmp) / f"{name}.erl")], check=True)
                cmds[(name, "erlang")] = ["erl", "-noshell", "-pa", tmp, "-s", name, "main", "-s", "erlang", "halt"]
        times = {key: [] for key in cmds}
        for _ in range(args.runs):  # interleaved, so load bursts hit every variant alike
            for key, cmd in cmds.items():
                times[key].append(cpu_seconds(cmd))
    med = {key: statistics.median(v) for key, v in times.items()}
    systems = ["asm", "portable"] + (["erlang"] if erlang else [])
    print(f"median CPU time of {args.runs} runs (ms)")
    print("program      " + "".join(f"{s:>10}" for s in systems))
    for name in variants():
        print(f"{name:12s} " + "".join(f"{med[(name, s)] * 1000:10.1f}" for s in systems))
    print("\nper operation (ns)" + " " * 27 + "".join(f"{('lazer-' + s) if s != 'erlang' else s:>16}" for s in systems))
    rows = [
        ("try/tryend pair", "try_loop", "try_base", TRY_N),
        ("raise + catch 10 deep, no trace", "raise_deep", "raise_base", RAISE_N),
        ("raise + catch 10 deep, with trace", "raise_trace", "raise_base", RAISE_N),
    ]
    for label, prog, base, n in rows:
        cells = "".join(f"{(med[(prog, s)] - med[(base, s)]) / n * 1e9:16.1f}" for s in systems)
        print(f"{label:45s}{cells}")
    if not erlang:
        print("(erl/erlc not installed: Erlang skipped)")


if __name__ == "__main__":
    main()
