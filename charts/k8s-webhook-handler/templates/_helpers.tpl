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

{{- define "wh.workflowNamespace" -}}
{{- default .Release.Namespace .Values.handler.namespace -}}
{{- end -}}

{{- define "wh.secretName" -}}
{{- default (printf "%s-webhook" (include "wh.fullname" .)) .Values.webhook.existingSecret -}}
{{- end -}}

{{/* Settings both programs read. */}}
{{- define "wh.env" -}}
- name: Handler__Namespace
  value: {{ include "wh.workflowNamespace" . | quote }}
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
- name: Handler__Cluster__RedisConnectionString
{{- if .Values.redis.existingSecret }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: connectionString
{{- else }}
  value: {{ .Values.redis.connectionString | quote }}
{{- end }}
- name: Handler__Cluster__ClusterId
  value: {{ include "wh.fullname" . | quote }}
- name: Handler__Cluster__ServiceId
  value: {{ include "wh.fullname" . | quote }}
- name: GITHUB_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "wh.secretName" . }}
      key: GITHUB_TOKEN
      optional: true
- name: ASPNETCORE_URLS
  value: http://+:8080
{{- with .Values.handler.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
