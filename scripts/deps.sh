#!/usr/bin/env bash
# Installs the Debian packages Lazer builds with, if any is missing.
# Usage: scripts/deps.sh [--bench]   (--bench adds the peers: lua5.4 luajit erlang-base python3)
set -euo pipefail
# python3 and valgrind: the over-fitting guard (bench/guard) that ctest runs on the release build.
pkgs=(clang lld cmake ninja-build libasmjit-dev libgtest-dev libbenchmark-dev libfmt-dev libcli11-dev libgmp-dev python3 valgrind)
# lld 15 or later packs lzr's relative relocations (RELR, cmake/lean_link.cmake);
# Debian 12's lld is 14, so lld-16 comes along there.
lld_major=$(ld.lld --version 2>/dev/null | sed -n 's/.*LLD \([0-9]*\).*/\1/p')
if [[ -z "$lld_major" || "$lld_major" -lt 15 ]] && apt-cache show lld-16 >/dev/null 2>&1; then pkgs+=(lld-16); fi
if [[ "${1:-}" == "--bench" ]]; then pkgs+=(lua5.4 luajit erlang-base python3); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
echo "deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
