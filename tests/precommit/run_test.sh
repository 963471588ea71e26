#!/usr/bin/env bash
# End-to-end test of the pre-commit hook (.pre-commit-hooks.yaml) with the real
# pre-commit program (Debian 12's, 3.0.4) and no network:
#   run_test.sh DTLINT_BINARY SOURCE_DIR
# A "hooks" repository holds a copy of the manifest; a "project" repository uses
# it by path and commit. Then (a) a clean array commits, (b) an array that
# overflows float16 is refused with DT101, (c) a commit without arrays skips dtlint,
# (d) a monorepo whose projects have their own configurations: each file is
# judged by its nearest one, in a commit and in `pre-commit run --all-files`.
# Everything lives in a temporary folder: HOME, PRE_COMMIT_HOME and git's
# configuration included, so nothing of the user's is read or written.
set -euo pipefail

fail() {
  echo "precommit_hook: FAIL: $1" >&2
  if [ -n "${2-}" ]; then
    echo "----- output -----" >&2
    printf '%s\n' "$2" >&2
    echo "------------------" >&2
  fi
  exit 1
}

[ $# -eq 2 ] || fail "usage: run_test.sh DTLINT_BINARY SOURCE_DIR"
for tool in git pre-commit; do
  command -v "$tool" >/dev/null ||
    fail "'$tool' is not installed; scripts/setup.sh installs it (Debian packages git and pre-commit)"
done
[ -x "$1" ] || fail "no dtlint binary at $1 (build it: cmake --build build)"
[ -f "$2/.pre-commit-hooks.yaml" ] || fail "no .pre-commit-hooks.yaml in $2"
dtlint=$(realpath "$1")
source_dir=$(realpath "$2")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home" "$tmp/bin"
cat >"$tmp/gitconfig" <<'EOF'
[init]
	defaultBranch = main
[commit]
	gpgsign = false
EOF
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache"
export PRE_COMMIT_HOME="$tmp/pre-commit-home" PRE_COMMIT_COLOR=never
# No git variable of the caller's (GIT_DIR when run from a git hook, say) leaks in.
for name in $(compgen -e | grep '^GIT_' || true); do unset "$name"; done
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig" GIT_EDITOR=true
export GIT_AUTHOR_NAME="dtlint test" GIT_AUTHOR_EMAIL="dtlint-test@example.invalid"
export GIT_COMMITTER_NAME="dtlint test" GIT_COMMITTER_EMAIL="dtlint-test@example.invalid"
# The hook is `language: system`: pre-commit runs the `dtlint` found first on PATH.
ln -s "$dtlint" "$tmp/bin/dtlint"
export PATH="$tmp/bin:$PATH"

echo "precommit_hook: $(pre-commit --version), $(git --version)"

# The hooks repository: the project's manifest, committed; pre-commit clones it by commit.
git init -q "$tmp/hooks"
cp "$source_dir/.pre-commit-hooks.yaml" "$tmp/hooks/"
git -C "$tmp/hooks" add .pre-commit-hooks.yaml
git -C "$tmp/hooks" commit -q -m "dtlint hook"
rev=$(git -C "$tmp/hooks" rev-parse HEAD)

# The project repository, its config committed before the hook is installed.
project="$tmp/project"
git init -q "$project"
cd "$project"
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $tmp/hooks
    rev: $rev
    hooks:
      - id: dtlint
EOF
git add .pre-commit-config.yaml
git commit -q -m "pre-commit config"
output=$(pre-commit install 2>&1) || fail "pre-commit install failed" "$output"
[ -x .git/hooks/pre-commit ] || fail "pre-commit install wrote no .git/hooks/pre-commit" "$output"

commits() { git rev-list --count HEAD; }

# (a) A clean uint8 array: dtlint runs, passes, and the commit happens.
mkdir data
cp "$source_dir/examples/pixels.npy" data/pixels.npy
git add data/pixels.npy
output=$(git commit -m "clean array" 2>&1) || fail "(a) committing a clean array failed" "$output"
grep -Eq '^dtlint\.+Passed' <<<"$output" || fail "(a) the hook did not report 'dtlint...Passed'" "$output"
[ "$(commits)" -eq 2 ] || fail "(a) expected 2 commits, found $(commits)" "$(git log --oneline)"
echo "precommit_hook: (a) clean array committed"

# (b) An array that overflows float16: the hook fails with DT101 and nothing is committed.
cp "$source_dir/examples/pressure_pa.npy" data/pressure_pa.npy
git add data/pressure_pa.npy
if output=$(git commit -m "overflowing array" 2>&1); then
  fail "(b) committing an array that overflows float16 succeeded; the hook should refuse it" "$output"
fi
grep -Eq '^dtlint\.+Failed' <<<"$output" || fail "(b) the hook did not report 'dtlint...Failed'" "$output"
grep -q 'DT101' <<<"$output" || fail "(b) the hook's output does not mention DT101" "$output"
[ "$(commits)" -eq 2 ] || fail "(b) the refused commit happened anyway" "$(git log --oneline)"
[ "$(git log -1 --format=%s)" = "clean array" ] || fail "(b) HEAD moved" "$(git log --oneline)"
git rm -q --cached data/pressure_pa.npy
rm data/pressure_pa.npy
echo "precommit_hook: (b) overflowing array refused with DT101"

# (c) No array in the commit: the hook is skipped, dtlint never runs.
echo "not an array" >README.txt
git add README.txt
output=$(git commit -m "readme" 2>&1) || fail "(c) committing only README.txt failed" "$output"
grep -Eq '^dtlint\.+\(no files to check\)Skipped' <<<"$output" ||
  fail "(c) expected 'dtlint...(no files to check)Skipped'" "$output"
[ "$(commits)" -eq 3 ] || fail "(c) expected 3 commits, found $(commits)" "$(git log --oneline)"
echo "precommit_hook: (c) commit without arrays skipped dtlint"

# (d) Two projects, two configurations: a/ casts to float32 only (the pressure
# readings fit), b/ to float16. The hook passes both files of a commit at once.
mkdir a b
printf 'targets: [float32]\n' >a/.dtlint.yaml
printf 'targets: [float16]\n' >b/.dtlint.yaml
cp "$source_dir/examples/pressure_pa.npy" a/pressure_pa.npy
cp "$source_dir/examples/pixels.npy" b/pixels.npy
git add a b
output=$(git commit -m "monorepo" 2>&1) || fail "(d) committing two projects with their own configurations failed" "$output"
grep -Eq '^dtlint\.+Passed' <<<"$output" || fail "(d) the hook did not report 'dtlint...Passed'" "$output"
output=$(pre-commit run --all-files 2>&1) || fail "(d) pre-commit run --all-files failed on the monorepo" "$output"
# The same data in b/ overflows b/'s float16; a/'s copy still passes under a/'s configuration.
cp "$source_dir/examples/pressure_pa.npy" b/pressure_pa.npy
git add b/pressure_pa.npy
if output=$(pre-commit run --all-files 2>&1); then
  fail "(d) b/pressure_pa.npy overflows b/'s float16 target; pre-commit run --all-files should fail" "$output"
fi
grep -q 'b/pressure_pa.npy.*DT101' <<<"$output" || fail "(d) no DT101 for b/pressure_pa.npy" "$output"
if grep -q 'a/pressure_pa.npy.*DT101' <<<"$output"; then fail "(d) a/'s configuration was not applied to a/" "$output"; fi
git rm -q --cached b/pressure_pa.npy
rm b/pressure_pa.npy
echo "precommit_hook: (d) monorepo: each file judged by its nearest configuration"

echo "precommit_hook: PASS"
