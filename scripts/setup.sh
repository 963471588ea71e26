#!/usr/bin/env bash
# Installs what dtlint needs from Debian 12's archive (only what is missing),
# then configures and builds it in ./build. Safe to run again.
#   scripts/setup.sh [extra cmake arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make nlohmann-json3-dev libeigen3-dev libcli11-dev libgtest-dev libvalijson-dev
          pkgconf libzip-dev zlib1g-dev libyaml-cpp-dev libtomlplusplus-dev libhdf5-dev
          libonnx-dev libprotobuf-dev protobuf-compiler  # ONNX: onnx.proto, libprotobuf-lite.a, protoc
          libclang-14-dev libclang-cpp14-dev llvm-14-dev clang-14  # dtlint-clang (clang-14 has ClangConfig.cmake)
          git pre-commit)  # the last two only for the pre-commit hook's end-to-end test
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# The official SARIF 2.1.0 schema the tests validate reports against. It is not
# in this repository; the npm package @microsoft/jest-sarif ships OASIS's
# sarif-2.1.0-rtm.5.json, checked here by its SHA-256.
schema=.cache/sarif-2.1.0-rtm.5.json
schema_sha256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8
if ! echo "$schema_sha256  $schema" | sha256sum --check --status 2>/dev/null; then
  if ! command -v npm >/dev/null; then
    echo "setup: installing npm (for the SARIF schema the tests use)" >&2
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends npm >&2
  fi
  tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null &&
      tar -xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json) &&
     echo "$schema_sha256  $tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" | sha256sum --check --status; then
    mkdir -p .cache && mv "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$schema"
  else
    echo "setup: warning: could not fetch the SARIF 2.1.0 schema; the SARIF tests will fail" >&2
  fi
  rm -rf "$tmp"
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >&2
cmake --build build -j"$(nproc)" >&2
