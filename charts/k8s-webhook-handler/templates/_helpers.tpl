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

{{/* Orleans' identity: state and reminders in Redis are keyed by the service id, so it must never change. */}}
{{- define "wh.serviceId" -}}
{{- default (include "wh.fullname" .) .Values.cluster.serviceId -}}
{{- end -}}

{{- define "wh.clusterId" -}}
{{- default (include "wh.fullname" .) .Values.cluster.clusterId -}}
{{- end -}}

{{/* A component's image (dict "root" . "component" "silo"|"api"): registry/repository, by digest when given. */}}
{{- define "wh.image" -}}
{{- $image := index .root.Values .component "image" -}}
{{- $registry := default .root.Values.image.registry $image.registry -}}
{{- $name := ternary (printf "%s/%s" $registry $image.repository) $image.repository (ne $registry "") -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $name $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The Redis connection string: host:port, TLS, then the operator's own options. The password comes apart. */}}
{{- define "wh.redisConnectionString" -}}
{{- $redis := .Values.redis -}}
{{- if not $redis.host -}}
{{- fail "redis.host is not set: the handler keeps its cluster, grain state and reminders in Redis. Set it (--set redis.host=redis.NAMESPACE.svc, and redis.port, redis.tls.enabled as needed) and, for a password, redis.existingSecret naming a Secret with the key redis.passwordKey (default redis-password)" -}}
{{- end -}}
{{- $parts := list (printf "%s:%v" $redis.host $redis.port) -}}
{{- if $redis.tls.enabled }}{{ $parts = append $parts "ssl=true" }}{{ end -}}
{{- with $redis.extraOptions }}{{ $parts = append $parts (trimPrefix "," .) }}{{ end -}}
{{- join "," $parts -}}
{{- end -}}
