#!/usr/bin/env bash
# Stryker.NET over src/Grains, with the test projects whose test process loads that assembly.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/mutation.sh [--core] [--concurrency N] [--summary REPORT.json] [-- STRYKER-OPTIONS...]

Runs Stryker.NET (the dotnet-stryker local tool in .config/dotnet-tools.json) with
tests/Grains.Tests/stryker-config.json: every file of src/Grains is mutated, and the mutants are tested by
tests/Grains.Tests and tests/Api.Tests. The end-to-end tests run the handler as a separate process built on
its own, so a mutant is never active there; they are not part of the run.

  --core            mutate only the core: Repositories, Processing, the supersede decision and policy, Storage,
                    the ownership check and the applier that calls it, the remote and credential policies, and the
                    manifest stamper; the git mirror's tests (GitMirrorTests, GitMirrorLimitTests) are left out
  --concurrency N   parallel test sessions (default 1; the machine is shared)
  --summary FILE    only print the summary of an existing mutation-report.json
  -- ...            anything after -- goes to dotnet stryker as it is

The report lands in tests/Grains.Tests/StrykerOutput/<time>/reports (mutation-report.html and .json).
The summary prints the count per status, the mutation score, the files with the most survivors, and what
became of the mutants at the hand-picked lines (the dedupe check, the saves before the answer, the ownership
check). The hand-picked mutants Stryker does not make are run by scripts/hand-mutants.sh.
EOF
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
core=false
concurrency=1
summary_only=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --core) core=true ;;
    --concurrency) concurrency="$2"; shift ;;
    --summary) summary_only="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# The line of the first match of a fixed string in a source file, for finding a hand-picked mutant in the report.
line_of() { grep -nF -- "$2" "$root/src/Grains/$1" | head -n 1 | cut -d: -f1; }

summarize() {
  local report="$1"
  jq -r '
    [.files[].mutants[] | select(.status != "Ignored")] as $all
    | ($all | map(select(.status == "Killed" or .status == "Timeout")) | length) as $detected
    | ($all | map(select(.status == "Survived" or .status == "NoCoverage")) | length) as $undetected
    | ($all | group_by(.status) | map("\(.[0].status): \(length)") | join(", ")),
      "Mutation score: \(if $detected + $undetected == 0 then "n/a" else ($detected * 10000 / ($detected + $undetected) | round / 100 | tostring) + " %" end) (detected \($detected) of \($detected + $undetected))",
      "Files with the most survivors:",
      ([.files | to_entries[] | {file: (.key | sub(".*/src/Grains/"; "")), survived: ([.value.mutants[] | select(.status == "Survived")] | length),
        nocoverage: ([.value.mutants[] | select(.status == "NoCoverage")] | length)}]
        | sort_by(-.survived) | .[:10][] | select(.survived + .nocoverage > 0) | "  \(.survived) survived, \(.nocoverage) no coverage  \(.file)")
  ' "$report"
  echo "Hand-picked mutants in the report:"
  hand "dedupe check flipped" Repositories/RepositoryGrain.cs "if (State.Seen.ContainsKey(id.Value))" "$report"
  hand "save before the answer dropped" Repositories/RepositoryGrain.cs "ignoreReason is null ? null : now, Before: webhookEvent.Before" "$report" 1
  hand "save before the answer to a redelivery dropped" Repositories/RepositoryGrain.cs "r with { State = DeliveryState.Queued, Reason = reason, Attempts = 0" "$report" 1
  hand "the write in the write gate dropped" Repositories/RepositoryGrain.cs "await state.WriteStateAsync();" "$report"
  hand "ownership check skipped" Kubernetes/KubernetesApplier.cs "Refuse(ObjectOwnership.RefusalToChange(existing, item.Description, e));" "$report"
  hand "stamped before annotation" Manifests/ManifestStamper.cs "[StampKeys.Before] = e.Before," "$report"
}

# Prints the report's mutants at the line of a hand-picked mutant (offset lines below the marker), with the
# status and the first killing test.
hand() {
  local label="$1" file="$2" marker="$3" report="$4" offset="${5:-0}" line
  line="$(line_of "$file" "$marker")"
  if [ -z "$line" ]; then echo "  $label: marker not found in $file"; return; fi
  line=$((line + offset))
  jq -r --arg file "$file" --argjson line "$line" --arg name "$label" '
    ([.testFiles // {} | .[] | .tests[]? | {key: .id, value: .name}] | from_entries) as $tests
    | [.files | to_entries[] | select(.key | endswith("/src/Grains/" + $file)) | .value.mutants[]
        | select(.location.start.line == $line and .status != "Ignored")] as $found
    | if ($found | length) == 0 then "  \($name) (\($file):\($line)): no mutant there"
      else $found[] | "  \($name) (\($file):\($line)): \(.mutatorName) → \(.replacement | gsub("\\s+"; " ") | .[:70]): \(.status)\(if .killedBy and (.killedBy | length) > 0 then " by " + ($tests[.killedBy[0]] // .killedBy[0]) else "" end)"
      end
  ' "$report"
}

if [ -n "$summary_only" ]; then summarize "$summary_only"; exit 0; fi

cd "$root"
dotnet tool restore >/dev/null
output="StrykerOutput/$(date +%Y%m%d-%H%M%S)"
args=(stryker --skip-version-check --concurrency "$concurrency" --output "$output")
# The progress bar draws only on a terminal; a log gets a dot per mutant instead.
[ -t 1 ] || args+=(--reporter Dots --reporter Html --reporter Json --reporter ClearText)
if [ "$core" = true ]; then
  for pattern in '**/Repositories/*.cs' '**/Processing/*.cs' '**/Superseding/SupersedeDecider.cs' '**/Superseding/SupersedePolicy.cs' \
    '**/Storage/*.cs' '**/Kubernetes/ObjectOwnership*.cs' '**/Kubernetes/KubernetesApplier.cs' '**/Git/Remote*.cs' '**/Git/Credential*.cs' \
    '**/Manifests/ManifestStamper*.cs'; do
    args+=(--mutate "$pattern")
  done
  # None of these files is under test in the git mirror's tests, and the git daemons they start outlive a test host
  # that Stryker stops at a timeout.
  args+=(--test-case-filter "FullyQualifiedName!~.Integration.GitMirrorTests&FullyQualifiedName!~.Integration.GitMirrorLimitTests")
fi
cd tests/Grains.Tests
echo "dotnet ${args[*]} ${extra[*]}"
dotnet "${args[@]}" "${extra[@]}"
summarize "$output/reports/mutation-report.json"
