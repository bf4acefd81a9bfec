#!/usr/bin/env bash
# Hand-picked mutants of the core: each tests/Mutants/*.patch is applied to a scratch copy of the repository
# (never this working tree), the test projects it names are built and run, and at least one test must fail.
# Prints one line per mutant, "killed by <test>" or "SURVIVED", and exits non-zero if any survives or does not
# build. The Stryker.NET run over src/Grains is scripts/mutation.sh.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/hand-mutants.sh [--keep] [--no-baseline] [NAME...]

Applies each hand-picked mutant (tests/Mutants/NAME.patch; all of them by default) to a scratch copy of the
repository's working tree, builds and runs the test projects named in the patch's "Tests:" header (with its
optional "Filter:" header), and expects at least one test to fail.

  killed by <test>   a test failed with the mutant in place (the first failure is named)
  SURVIVED           every test passed: a real change in behaviour went unnoticed
  DOES NOT APPLY     the patch no longer matches the code: remake it with `git diff`
  DOES NOT BUILD     the mutant does not compile: it proves nothing

First the named test projects run without any mutant: a failure there stops the script, since a test that
fails anyway proves nothing about a mutant.

Exit status: 0 when every mutant is killed, 1 otherwise.
  --keep          leave the scratch copy (its path is printed) for a closer look
  --no-baseline   skip the run without mutants

A patch is an ordinary `git diff` of the mutated source, preceded by header lines that git apply ignores:
  Mutant:  what the change breaks, in one sentence
  Tests:   test project(s) to run, relative to the repository root, space-separated
  Filter:  optional `dotnet test --filter` expression

The Stryker.NET run over src/Grains: scripts/mutation.sh (see its --help).
EOF
}

keep=false
baseline=true
names=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --keep) keep=true ;;
    --no-baseline) baseline=false ;;
    *) names+=("$arg") ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
patches=()
if [ ${#names[@]} -eq 0 ]; then
  patches=("$root"/tests/Mutants/*.patch)
else
  for name in "${names[@]}"; do patches+=("$root/tests/Mutants/${name%.patch}.patch"); done
fi

# The tests find the shared fixtures at ../shared beside the repository root; the scratch copy gets the same.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/hand-mutants.XXXXXX")"
cleanup() { if [ "$keep" = true ]; then echo "scratch copy kept: $scratch/repo" >&2; else rm -rf "$scratch"; fi; }
trap cleanup EXIT
mkdir "$scratch/repo"
ln -s "$(cd "$root/.." && pwd)/shared" "$scratch/shared"
# The working tree as it is (tracked and new files, not ignored ones such as bin/ and obj/), uncommitted changes included.
(cd "$root" && git ls-files -z --cached --others --exclude-standard --deduplicate \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$scratch/repo"
cd "$scratch/repo"
git init -q . && git add -A && git -c user.name=scratch -c user.email=scratch@localhost commit -qm scratch

header() { sed -n "s/^$1:[[:space:]]*//p" "$2" | head -n 1; }

# Builds and runs one test project; prints the first failed test's name, or nothing when all pass.
run_tests() {
  local project="$1" filter="$2" log="$3"
  if ! dotnet build "$project" -v q -nologo >>"$log" 2>&1; then echo "DOES NOT BUILD"; return; fi
  local args=(test "$project" --no-build --nologo --logger "console;verbosity=normal" --blame-hang-timeout 10m)
  [ -n "$filter" ] && args+=(--filter "$filter")
  if ! dotnet "${args[@]}" >"$scratch/run.log" 2>&1; then
    local first
    first="$(sed -n 's/^[[:space:]]*Failed \(.*\) \[[^]]*\]$/\1/p' "$scratch/run.log" | head -n 1)"
    echo "${first:-"(the run of $project failed without naming a test)"}"
  fi
  cat "$scratch/run.log" >>"$log"
}

if [ "$baseline" = true ]; then
  for project in $(for patch in "${patches[@]}"; do [ -f "$patch" ] && header Tests "$patch"; done | tr ' ' '\n' | sort -u); do
    outcome="$(run_tests "$project" "" "$scratch/baseline.log")"
    if [ -n "$outcome" ]; then
      echo "without any mutant, $project fails: $outcome; fix that first (see the log with --keep)"
      exit 1
    fi
  done
fi

failed=0
for patch in "${patches[@]}"; do
  name="$(basename "$patch" .patch)"
  if [ ! -f "$patch" ]; then echo "$name: no such patch ($patch)"; failed=1; continue; fi
  log="$scratch/$name.log"
  if ! git apply "$patch" 2>"$log"; then echo "$name: DOES NOT APPLY"; failed=1; continue; fi
  tests="$(header Tests "$patch")"
  filter="$(header Filter "$patch")"
  result=""
  for project in $tests; do
    outcome="$(run_tests "$project" "$filter" "$log")"
    case "$outcome" in
      "") ;;
      "DOES NOT BUILD") result="DOES NOT BUILD ($project; see the log with --keep)"; break ;;
      *) result="killed by $outcome"; break ;;
    esac
  done
  git checkout -q -- .
  [ -z "$result" ] && result="SURVIVED"
  echo "$name: $result"
  case "$result" in "killed by "*) ;; *) failed=1 ;; esac
done
exit "$failed"
