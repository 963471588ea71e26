#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
# New inputs go to a scratch corpus; the committed seeds in tests/fuzz/corpus/
# are read, never written. A crash leaves its input in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake -S . -B build-fuzz -DDTLINT_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build build-fuzz -j"$(nproc)" >&2
mkdir -p build-fuzz/artifacts
# The same list as tests/fuzz/CMakeLists.txt (ReaderTable.EveryReaderHasAFuzzTarget checks).
for target in npy_header npy_data npz safetensors gguf hdf5 onnx torch config huggingface clang_frames; do
  scratch=$(mktemp -d)
  dict=()
  [ -f "tests/fuzz/${target}.dict" ] && dict=(-dict="tests/fuzz/${target}.dict")
  echo "fuzz_${target}: ${seconds} s" >&2
  log="build-fuzz/fuzz_${target}.log"
  status=0
  build-fuzz/tests/fuzz/fuzz_${target} "${dict[@]}" -max_total_time="${seconds}" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix=build-fuzz/artifacts/ \
    "$scratch" "tests/fuzz/corpus/${target}" >"$log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY" "$log" >&2 || true
  rm -rf "$scratch"
  if [ "$status" -ne 0 ]; then
    echo "fuzz_${target} found a failure (exit ${status}); see build-fuzz/artifacts/" >&2
    exit 1
  fi
done
