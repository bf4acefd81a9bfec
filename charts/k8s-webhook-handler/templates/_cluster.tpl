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

{{/* Redis's user and password and the Orleans identity, both programs, after the connection string (wh.env). */}}
{{- define "wh.clusterEnv" -}}
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

{{/*
The pod's identity as Microsoft.Orleans.Hosting.Kubernetes reads it (with the orleans/serviceId and orleans/clusterId
labels), for tools that find silos by them. The silos themselves cluster through Redis and read Handler__Cluster__*:
set the ids with cluster.serviceId/clusterId, never through extraEnv, or these would tell another id.
*/}}
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
