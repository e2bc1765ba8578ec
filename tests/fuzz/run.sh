#!/usr/bin/env bash
# Runs one of the libFuzzer targets: builds a seed corpus, then fuzzes.
#
#   tests/fuzz/run.sh FUZZER_BINARY SECONDS [LZR_BINARY]
#
# Seeds: what the fuzzer binary writes itself (the loader and run fuzzers:
# hand-made modules; the assembler fuzzer: every .lzs of tests/programs and examples,
# and a dictionary of the language's words), plus, when an `lzr` binary is
# given and `lzr asm` works, every tests/programs/**/*.lzs and examples/*.lzs
# assembled (module files, for the loader and run fuzzers). Fails if the fuzzer finds
# a crash, a sanitizer report, a timeout or a broken invariant; the
# reproducer is kept in the work directory printed at the end, and the last
# line says how many inputs ran clean. LZR_FUZZ_MAX_LEN caps an input's
# bytes (default 65536); LZR_FUZZ_FLAGS adds libFuzzer flags (e.g.
# -entropic=0: the assembler fuzzer has so many coverage features that the
# entropic scheduler's bookkeeping takes most of its time).
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 FUZZER_BINARY SECONDS [LZR_BINARY]" >&2
  exit 2
fi
fuzzer=$(realpath "$1")
seconds=$2
lzr=${3:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
[[ -x $fuzzer ]] || { echo "$0: $1 is not an executable" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "$0: SECONDS must be a positive integer" >&2; exit 2; }

work=${LZR_FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/lzr-fuzz.XXXXXX")}
corpus=$work/corpus
mkdir -p "$corpus"

LZR_FUZZ_WRITE_SEEDS=$corpus LZR_FUZZ_WRITE_DICT=$work/fuzz.dict "$fuzzer"
dict=()
[[ -s $work/fuzz.dict ]] && dict=(-dict="$work/fuzz.dict")

if [[ -n $lzr ]]; then
  assembled=0 failed=0
  while IFS= read -r -d '' src; do
    out=$corpus/asm-$(echo "$src" | md5sum | cut -c1-12).lzr
    if "$lzr" asm "$src" -o "$out" >/dev/null 2>&1; then
      assembled=$((assembled + 1))
    else
      failed=$((failed + 1))
    fi
  done < <(find "$repo/tests/programs" "$repo/examples" -name '*.lzs' -print0 2>/dev/null)
  echo "assembled $assembled programs into seeds ($failed did not assemble)"
fi

echo "fuzzing for ${seconds}s in $work"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="${LZR_FUZZ_MAX_LEN:-65536}" "${dict[@]}" \
  ${LZR_FUZZ_FLAGS:-} \
  -print_final_stats=1 -artifact_prefix="$work/" "$corpus" >"$work/fuzz.log" 2>&1 || status=$?
tail -n 15 "$work/fuzz.log"
if [[ $status -ne 0 ]]; then
  echo "FUZZING FAILED (exit $status); log and reproducer in $work:" >&2
  ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' >&2 || true
  exit 1
fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
echo "no crashes: ${runs:-?} inputs ran clean; corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
