{{/* The Secrets a component reads that the operator made (dict "root" . "component" "silo"|"api"). */}}
{{- define "wh.existingSecrets" -}}
{{- $v := .root.Values -}}
{{- $names := list $v.management.existingSecret $v.redis.existingSecret -}}
{{- if eq .component "api" -}}
{{- $names = append $names $v.webhook.existingSecret -}}
{{- else -}}
{{- $names = concat $names (list $v.github.existingSecret $v.github.app.existingSecret) -}}
{{- if not $v.github.existingSecret }}{{ $names = append $names $v.webhook.existingSecret }}{{ end -}}
{{- end -}}
{{- without $names "" | uniq | sortAlpha | toJson -}}
{{- end -}}

{{/*
The pod template's metadata. The pods read their Secrets only at start-up, so a change rolls them: checksum/secret
hashes the values the chart's own Secret is made of (not the Secret: a generated webhook secret differs in each
render until the lookup finds it); checksum/NAME hashes the data of each existing Secret named, as `helm upgrade`
sees it (under `helm template` there is no cluster, and the hash is that of nothing, the same in every render).
*/}}
{{- define "wh.podMetadata" -}}
{{- $values := index .root.Values .component -}}
labels:
  {{- include "wh.selector" . | nindent 2 }}
  {{- if eq .component "silo" }}
  orleans/serviceId: {{ include "wh.serviceId" .root | quote }}
  orleans/clusterId: {{ include "wh.clusterId" .root | quote }}
  {{- end }}
  {{- /* The selector's labels and the Orleans ones are the chart's: podLabels may not set them. */}}
  {{- range $key := list "app.kubernetes.io/name" "app.kubernetes.io/instance" "app.kubernetes.io/component" "orleans/serviceId" "orleans/clusterId" }}
  {{- if hasKey ($values.podLabels | default dict) $key }}
  {{- fail (printf "%s.podLabels may not set %s: the chart sets it, and the Deployment's selector and the NetworkPolicy rely on it" $.component $key) }}
  {{- end }}
  {{- end }}
  {{- with $values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- with include "wh.podAnnotations" . }}
annotations:
  {{- . | trim | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "wh.podAnnotations" -}}
{{- if not .root.Values.webhook.existingSecret }}
checksum/secret: {{ pick .root.Values.webhook "secrets" "githubToken" | toJson | sha256sum }}
{{- end }}
{{- range fromJsonArray (include "wh.existingSecrets" .) }}
{{- $secret := lookup "v1" "Secret" $.root.Release.Namespace . }}
{{ printf "checksum/%s" . | trunc 72 | trimSuffix "-" | trimSuffix "." }}: {{ get $secret "data" | default dict | toJson | sha256sum }}
{{- end }}
{{- with (index .root.Values .component).podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Where a component's pods run: as asked, else preferably one per node. */}}
{{- define "wh.podScheduling" -}}
{{- $values := index .root.Values .component -}}
{{- with $values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
{{- if $values.affinity }}
  {{- toYaml $values.affinity | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "wh.selector" . | nindent 14 }}
{{- end }}
{{- end -}}

{{/* The pull secrets: image.pullSecrets and the component's own. */}}
{{- define "wh.imagePullSecrets" -}}
{{- $names := concat (.root.Values.image.pullSecrets | default list) ((index .root.Values .component).imagePullSecrets | default list) -}}
{{- with $names }}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The probes, the component's startupProbe/readinessProbe/livenessProbe merged over these. Started: the silo joined
the cluster and its grains can read storage (the Api: a repository grain answers through the cluster). Ready: the
same, and for a silo the Kubernetes API answers. Alive: the process serves HTTP at all.
*/}}
{{- define "wh.probes" -}}
{{- $values := index .root.Values .component -}}
{{- $ready := dict "httpGet" (dict "path" "/readyz" "port" "http") -}}
{{- $defaults := dict
  "startupProbe" (merge (dict "periodSeconds" 2 "failureThreshold" 60) $ready)
  "readinessProbe" (merge (dict "periodSeconds" 10) $ready)
  "livenessProbe" (dict "httpGet" (dict "path" "/healthz" "port" "http") "periodSeconds" 10 "failureThreshold" 6) -}}
{{- $handlers := list "httpGet" "exec" "tcpSocket" "grpc" -}}
{{- range $name := list "startupProbe" "readinessProbe" "livenessProbe" }}
{{- $override := get $values $name | default dict }}
{{- $probe := deepCopy (get $defaults $name) }}
{{- /* An override with a handler of its own (exec, tcpSocket, grpc, httpGet) replaces the default's: a probe has one. */}}
{{- range $handler := $handlers }}{{ if hasKey $override $handler }}{{ $probe = omit $probe "httpGet" }}{{ end }}{{ end }}
{{ $name }}:
  {{- mergeOverwrite $probe $override | toYaml | nindent 2 }}
{{- end }}
{{- end -}}

{{/* A silo's settings: its address and ports, its Orleans identity on Kubernetes, GitHub, and the common ones. */}}
{{- define "wh.siloEnv" -}}
# Other silos and the Api reach this silo at its pod IP, from the downward API.
- name: Handler__Cluster__AdvertisedAddress
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: Handler__Cluster__SiloPort
  value: "11111"
- name: Handler__Cluster__GatewayPort
  value: "30000"
{{ include "wh.orleansKubernetesEnv" . }}
{{ include "wh.githubEnv" . }}
{{ include "wh.env" . }}
{{- end -}}

{{/* The silos' git cache: an emptyDir, or a generic ephemeral volume claimed per pod. */}}
{{- define "wh.cacheVolume" -}}
{{- $cache := .Values.silo.cacheVolume -}}
- name: data
{{- if eq $cache.type "ephemeral" }}
  ephemeral:
    volumeClaimTemplate:
      metadata:
        labels:
          {{- include "wh.selector" (dict "root" . "component" "silo") | nindent 10 }}
      spec:
        accessModes: {{ toJson $cache.ephemeral.accessModes }}
        {{- with $cache.ephemeral.storageClassName }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $cache.ephemeral.size }}
{{- else if $cache.sizeLimit }}
  emptyDir:
    sizeLimit: {{ $cache.sizeLimit }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}
