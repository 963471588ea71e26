#!/usr/bin/env bash
# Fails when a tracked C++ file is not formatted by the committed .clang-format
# (clang-format 14, as Debian 12 ships it). With --fix, formats them instead.
#   scripts/check-format.sh [--fix] [FILE ...]     (default: every tracked C++ file)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(--dry-run -Werror)
if [ "${1:-}" = "--fix" ]; then mode=(-i); shift; fi
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.inc')
else
  files=("$@")
fi
[ ${#files[@]} -eq 0 ] || clang-format "${mode[@]}" "${files[@]}"
