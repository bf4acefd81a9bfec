#!/usr/bin/env bash
# Sends a GitHub webhook payload, signed as GitHub signs it, to a running handler.
#   scripts/send-webhook.sh EVENT PAYLOAD_FILE [URL] [SECRET]
# e.g. scripts/send-webhook.sh push ../shared/fixtures/github-webhooks/push/payload.json
set -euo pipefail
event=${1:?usage: send-webhook.sh EVENT PAYLOAD_FILE [URL] [SECRET]}
payload=${2:?usage: send-webhook.sh EVENT PAYLOAD_FILE [URL] [SECRET]}
url=${3:-http://localhost:8080/webhook}
secret=${4:-${WEBHOOK_SECRET:-local-development-secret}}
signature=$(openssl dgst -sha256 -hmac "$secret" -hex < "$payload" | sed 's/^.*= //')
delivery=$(cat /proc/sys/kernel/random/uuid)
curl -sS -X POST "$url" \
  -H "Content-Type: application/json" \
  -H "X-GitHub-Event: $event" \
  -H "X-GitHub-Delivery: $delivery" \
  -H "X-Hub-Signature-256: sha256=$signature" \
  --data-binary "@$payload"
echo
