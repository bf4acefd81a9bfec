#!/usr/bin/env bash
# A push to a local demo repository, end to end, against `dotnet run --project src/Api`:
# creates a git repository with .ci/workflow.yaml, sends a signed push for its head, and prints the outcome.
# The push names the repository demo/hello at file:///tmp/k8s-webhook-handler-demo/demo/hello; the handler fetches a
# local path only when Handler:Git:AllowedRemotes names it, as the Development settings of src/Api do
# (file:///tmp/k8s-webhook-handler-demo), and only a URL that ends in the repository's own owner/name.
# The outcome is read from the management listener (K8SWH_URL, default http://localhost:8081; K8SWH_TOKEN when it
# asks for a token).
#   scripts/demo-push.sh [URL] [SECRET]
set -euo pipefail
url=${1:-http://localhost:8080}
secret=${2:-${WEBHOOK_SECRET:-local-development-secret}}
management=${K8SWH_URL:-http://localhost:8081}
auth=()
if [ -n "${K8SWH_TOKEN:-}" ]; then auth=(-H "Authorization: Bearer $K8SWH_TOKEN"); fi
repo=/tmp/k8s-webhook-handler-demo/demo/hello

if [ ! -d "$repo/.git" ]; then
  git init -q -b main "$repo"
  mkdir -p "$repo/.ci"
  cat > "$repo/.ci/workflow.yaml" <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: demo-
spec:
  entrypoint: main
  templates:
  - name: main
    container:
      image: alpine:3.20
      command: [echo, "{{workflow.annotations.k8s-webhook-handler.io/revision}}"]
YAML
fi
repo=$(cd "$repo" && pwd -P)
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q --allow-empty -m "demo push $(date +%s)" --no-verify
git -C "$repo" add -A && git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "manifest" 2>/dev/null || true
after=$(git -C "$repo" rev-parse HEAD)
before=$(git -C "$repo" rev-parse HEAD~1 2>/dev/null || echo 0000000000000000000000000000000000000000)
payload=$(mktemp)
cat > "$payload" <<JSON
{"ref":"refs/heads/main","before":"$before","after":"$after","created":false,"deleted":false,"forced":false,
 "repository":{"full_name":"demo/hello","clone_url":"file://$repo","git_url":"git://localhost/demo/hello.git",
   "ssh_url":"git@localhost:demo/hello.git","default_branch":"main"},
 "pusher":{"name":"demo"},"sender":{"login":"demo"}}
JSON
signature=$(openssl dgst -sha256 -hmac "$secret" -hex < "$payload" | sed 's/^.*= //')
delivery=$(cat /proc/sys/kernel/random/uuid)
echo "POST $url/webhook (push demo/hello $after, delivery $delivery)"
curl -sS -X POST "$url/webhook" -H "Content-Type: application/json" -H "X-GitHub-Event: push" \
  -H "X-GitHub-Delivery: $delivery" -H "X-Hub-Signature-256: sha256=$signature" --data-binary "@$payload"
echo
echo "GET $management/api/repositories/demo/hello/deliveries/$delivery?wait=20"
outcome=$(curl -sS "${auth[@]}" "$management/api/repositories/demo/hello/deliveries/$delivery?wait=20")
echo "$outcome"
case "$outcome" in
  *"Handler:Git:AllowedRemotes"*)
    echo "The handler does not fetch from file://$repo: start it with Handler__Git__AllowedRemotes__0=file:///tmp/k8s-webhook-handler-demo" >&2 ;;
esac
rm -f "$payload"
