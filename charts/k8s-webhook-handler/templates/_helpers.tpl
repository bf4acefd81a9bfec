{{- define "wh.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "wh.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "wh.labels" -}}
app.kubernetes.io/name: {{ include "wh.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "wh.selector" -}}
app.kubernetes.io/name: {{ include "wh.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The ServiceAccount of a component (dict "root" . "component" "silo"|"api"): serviceAccount.name, else the release's
full name (silos) or with -api; an account the chart does not create defaults to the namespace's "default".
*/}}
{{- define "wh.serviceAccountName" -}}
{{- $account := (index .root.Values .component).serviceAccount -}}
{{- $chartName := ternary (include "wh.fullname" .root) (printf "%s-%s" (include "wh.fullname" .root) .component) (eq .component "silo") -}}
{{- if and (eq .component "silo") (eq (toString $account.create) "false") (not $account.name) (ne (toString .root.Values.rbac.create) "false") -}}
{{- fail "silo.serviceAccount.create=false needs silo.serviceAccount.name: without it the chart would grant its Roles to the namespace's default ServiceAccount, which every other pod there uses" -}}
{{- end -}}
{{- default (ternary $chartName "default" (ne (toString $account.create) "false")) $account.name -}}
{{- end -}}

{{/* The rules for the allowed kinds in a namespace where the handler applies manifests (see rbac.yaml). */}}
{{- define "wh.allowedKindRules" -}}
{{- $supersede := .Values.handler.supersede -}}
{{- range .Values.handler.allowedKinds }}
{{- $workflow := and (eq (default "" .group) "argoproj.io") (eq .kind "Workflow") -}}
{{- $mode := ternary $supersede.mode $supersede.otherKinds $workflow -}}
{{- $verbs := list "get" "create" "patch" -}}
{{- if or $workflow (ne $mode "None") }}{{- $verbs = append $verbs "list" -}}{{- end -}}
{{- if $workflow }}{{- $verbs = append $verbs "watch" -}}{{- end -}}
{{- if eq $mode "Delete" }}{{- $verbs = append $verbs "delete" -}}{{- end }}
  - apiGroups: [{{ default "" .group | quote }}]
    resources: [{{ .resource | quote }}]
    verbs: {{ toJson $verbs }}
{{- end }}
{{- end -}}

{{- define "wh.workflowNamespace" -}}
{{- default .Release.Namespace .Values.handler.namespace -}}
{{- end -}}

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
{{- if .Values.handler.branchNamespaces.template }}
- name: Handler__BranchNamespaces__Objects
  value: {{ include "wh.branchNamespaceObjectsYaml" . | quote }}
{{- end }}
- name: Handler__Cluster__RedisConnectionString
  value: {{ include "wh.redisConnectionString" . | quote }}
{{- include "wh.clusterEnv" . }}
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
