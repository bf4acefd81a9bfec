{{- define "wh.secretName" -}}
{{- default (printf "%s-webhook" (include "wh.fullname" .)) .Values.webhook.existingSecret -}}
{{- end -}}

{{/* The webhook secrets, for the Api alone: it verifies signatures, the silos never see them. */}}
{{- define "wh.webhookSecretEnv" -}}
{{- $existing := .Values.webhook.existingSecret -}}
- name: WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "wh.secretName" . }}
      key: {{ ternary .Values.webhook.secretKey "WEBHOOK_SECRET" (ne $existing "") | quote }}
{{- if $existing }}
{{- with .Values.webhook.previousSecretKey }}
{{- /* A second secret while one is rotated, if the existing Secret has it. */}}
- name: Handler__WebhookSecrets__0
  valueFrom:
    secretKeyRef:
      name: {{ $existing }}
      key: {{ . | quote }}
      optional: true
{{- end }}
{{- else }}
{{- range $i, $s := rest .Values.webhook.secrets }}
- name: Handler__WebhookSecrets__{{ $i }}
  valueFrom:
    secretKeyRef:
      name: {{ include "wh.secretName" $ }}
      key: Handler__WebhookSecrets__{{ $i }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Where the silos find the GitHub App's private key: a file of the App's Secret, nowhere else. */}}
{{- define "wh.githubAppKeyDirectory" -}}/var/run/secrets/github-app{{- end -}}

{{/* Whether the handler is a GitHub App; refuses an id without its key's Secret, and the other way round. */}}
{{- define "wh.githubApp" -}}
{{- $app := .Values.github.app -}}
{{- $id := toString $app.id -}}
{{- if and (ne $id "") (not $app.existingSecret) -}}
{{- fail "github.app.id is set without github.app.existingSecret: create a Secret with the App's private key (kubectl create secret generic github-app --from-file=private-key.pem=APP.private-key.pem) and name it in github.app.existingSecret" -}}
{{- end -}}
{{- if and $app.existingSecret (eq $id "") -}}
{{- fail "github.app.existingSecret is set without github.app.id: set the App's id (on the App's settings page) too, or remove the Secret's name" -}}
{{- end -}}
{{- if ne $id "" }}true{{ end -}}
{{- end -}}

{{/* The GitHub settings: the silos' alone, as only they fetch from git and talk to GitHub. */}}
{{- define "wh.githubEnv" -}}
- name: GITHUB_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ default (include "wh.secretName" .) .Values.github.existingSecret }}
      key: {{ ternary "GITHUB_TOKEN" .Values.github.tokenKey (and (not .Values.github.existingSecret) (not .Values.webhook.existingSecret)) | quote }}
      optional: true
- name: Handler__GitHub__ApiUrl
  value: {{ .Values.github.apiUrl | quote }}
{{- with .Values.github.workflowUrl }}
- name: Handler__GitHub__WorkflowUrl
  value: {{ . | quote }}
{{- end }}
{{- if include "wh.githubApp" . }}
- name: Handler__GitHub__AppId
  value: {{ int64 .Values.github.app.id | toString | quote }}
- name: Handler__GitHub__PrivateKeyFile
  value: {{ printf "%s/private-key.pem" (include "wh.githubAppKeyDirectory" .) | quote }}
{{- end }}
{{- with .Values.github.recovery }}
{{- if eq (toString .enabled) "false" }}
- name: Handler__GitHub__Recovery__Enabled
  value: "false"
{{- end }}
{{- with .interval }}
- name: Handler__GitHub__Recovery__Interval
  value: {{ . | quote }}
{{- end }}
{{- range $i, $hook := .repositoryHooks }}
- name: Handler__GitHub__Recovery__RepositoryHooks__{{ $i }}
  value: {{ $hook | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Redis and the Orleans identity, both programs. */}}
{{- define "wh.clusterEnv" -}}
- name: Handler__Cluster__RedisConnectionString
  value: {{ include "wh.redisConnectionString" . | quote }}
{{- with .Values.redis.username }}
- name: Handler__Cluster__RedisUser
  value: {{ . | quote }}
{{- end }}
{{- with .Values.redis.existingSecret }}
- name: Handler__Cluster__RedisPassword
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.redis.passwordKey | quote }}
{{- end }}
- name: Handler__Cluster__ClusterId
  value: {{ include "wh.clusterId" . | quote }}
- name: Handler__Cluster__ServiceId
  value: {{ include "wh.serviceId" . | quote }}
{{- end -}}

{{/* The pod's identity as Microsoft.Orleans.Hosting.Kubernetes reads it. */}}
{{- define "wh.orleansKubernetesEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: ORLEANS_SERVICE_ID
  value: {{ include "wh.serviceId" . | quote }}
- name: ORLEANS_CLUSTER_ID
  value: {{ include "wh.clusterId" . | quote }}
{{- end -}}

{{/* Settings both programs read. */}}
{{- define "wh.env" -}}
- name: Handler__Namespace
  value: {{ include "wh.workflowNamespace" . | quote }}
{{- range $i, $n := .Values.handler.allowedNamespaces }}
- name: Handler__AllowedNamespaces__{{ $i }}
  value: {{ $n | quote }}
{{- end }}
- name: Handler__ManifestPath
  value: {{ .Values.handler.manifestPath | quote }}
- name: Handler__DataDirectory
  value: /data
- name: Handler__DryRun
  value: "false"
- name: Handler__CloneUrl
  value: {{ .Values.handler.cloneUrl | quote }}
{{- range $i, $r := .Values.handler.git.allowedRemotes }}
- name: Handler__Git__AllowedRemotes__{{ $i }}
  value: {{ $r | quote }}
{{- end }}
{{- range $i, $h := .Values.handler.git.credentialHosts }}
- name: Handler__Git__CredentialHosts__{{ $i }}
  value: {{ $h | quote }}
{{- end }}
{{- with .Values.handler.retryFor }}
- name: Handler__RetryFor
  value: {{ . | quote }}
{{- end }}
{{- range $i, $k := .Values.handler.allowedKinds }}
- name: Handler__AllowedKinds__{{ $i }}
  value: {{ printf "%s/%s" (default "v1" $k.group) $k.kind | quote }}
{{- end }}
{{- with .Values.handler.ignoreRefs }}
- name: Handler__IgnoreRefs
  value: {{ . | quote }}
{{- end }}
- name: Handler__Supersede__Mode
  value: {{ .Values.handler.supersede.mode | quote }}
- name: Handler__Supersede__OtherKinds
  value: {{ .Values.handler.supersede.otherKinds | quote }}
{{- with .Values.handler.branchNamespaces.template }}
- name: Handler__BranchNamespaces__Template
  value: {{ . | quote }}
{{- end }}
{{ include "wh.clusterEnv" . }}
- name: ASPNETCORE_URLS
  value: http://+:8080
{{- include "wh.managementEnv" . }}
{{- end -}}

{{/* The management listener: on the pod network behind the token from its Secret, else on loopback only. */}}
{{- define "wh.managementEnv" }}
{{- if .Values.management.existingSecret }}
- name: Handler__Management__Urls
  value: http://+:{{ .Values.management.port }}
- name: Handler__Management__Tokens__0
  valueFrom:
    secretKeyRef:
      name: {{ .Values.management.existingSecret }}
      key: {{ .Values.management.tokenKey }}
{{- else }}
- name: Handler__Management__Urls
  value: http://localhost:{{ .Values.management.port }}
{{- end }}
- name: Handler__Management__Dashboard
  value: {{ .Values.management.dashboard | quote }}
{{- end -}}

{{/*
A container's env (dict "root" . "component" "silo"|"api" "generated" YAML): the chart's settings, then
handler.extraEnv and the component's extraEnv. A name given twice is rendered once, the last one given winning, so
an operator's entry replaces the chart's instead of repeating it (which `helm upgrade` refuses).
*/}}
{{- define "wh.mergedEnv" -}}
{{- $all := concat (fromYamlArray .generated) (.root.Values.handler.extraEnv | default list) ((index .root.Values .component).extraEnv | default list) -}}
{{- $byName := dict -}}
{{- $order := list -}}
{{- range $all -}}
{{- if not (hasKey $byName .name) }}{{ $order = append $order .name }}{{ end -}}
{{- $_ := set $byName .name . -}}
{{- end -}}
{{- range $order }}
- {{ get $byName . | toYaml | nindent 2 | trim }}
{{- end }}
{{- end -}}
