{{/* Chart name, release-scoped full name and per-component names. */}}
{{- define "cytolabel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cytolabel.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: (dict "ctx" $ "component" "registry") */}}
{{- define "cytolabel.componentName" -}}
{{- printf "%s-%s" (include "cytolabel.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cytolabel.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels (immutable on Deployments): (dict "ctx" $ "component" "...") */}}
{{- define "cytolabel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cytolabel.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The full app.kubernetes.io/* set: (dict "ctx" $ "component" "...") */}}
{{- define "cytolabel.labels" -}}
{{ include "cytolabel.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cytolabel
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ include "cytolabel.chart" .ctx }}
{{- end -}}

{{/* Image reference: (dict "ctx" $ "values" .Values.registry) */}}
{{- define "cytolabel.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .values.image.tag -}}
{{- printf "%s/%s:%s%s" .ctx.Values.image.registry .values.image.repository $tag .values.image.tagSuffix -}}
{{- end -}}

{{- define "cytolabel.registryTarget" -}}
{{- printf "%s.%s.svc:%d" (include "cytolabel.componentName" (dict "ctx" . "component" "registry")) .Release.Namespace (int .Values.registry.ports.grpc) -}}
{{- end -}}

{{- define "cytolabel.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "cytolabel.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* requests = limits from one map, plus nvidia.com/gpu when gpus > 0: (dict "resources" .. "gpus" n) */}}
{{- define "cytolabel.resources" -}}
{{- $r := dict -}}
{{- range $k, $v := .resources }}{{ $_ := set $r $k $v }}{{ end -}}
{{- if gt (int (default 0 .gpus)) 0 }}{{ $_ := set $r "nvidia.com/gpu" (int .gpus) }}{{ end -}}
requests:
{{- range $k, $v := $r }}
  {{ $k }}: {{ $v | quote }}
{{- end }}
limits:
{{- range $k, $v := $r }}
  {{ $k }}: {{ $v | quote }}
{{- end }}
{{- end -}}

{{/* Native gRPC health probes. The kubelet speaks plaintext gRPC only, so with TLS they go to the
     plaintext health-only port (CYTOLABEL_HEALTH_PORT). (dict "ctx" $ "values" .Values.inference) */}}
{{- define "cytolabel.probes" -}}
{{- $port := int (ternary .values.ports.health .values.ports.grpc .ctx.Values.tls.enabled) -}}
{{- range $kind := list "startup" "readiness" "liveness" }}
{{ $kind }}Probe:
  grpc:
    port: {{ $port }}
    {{- if eq $kind "liveness" }}
    service: liveness
    {{- end }}
  {{- with index $.values.probes $kind }}
  periodSeconds: {{ .periodSeconds }}
  failureThreshold: {{ .failureThreshold }}
  timeoutSeconds: {{ .timeoutSeconds }}
  {{- end }}
  successThreshold: 1
{{- end }}
{{- end -}}

{{/* Drain window: keep serving while endpoints update, then SIGTERM starts the server's drain. */}}
{{- define "cytolabel.lifecycle" -}}
{{- if gt (int .Values.preStopSleepSeconds) 0 -}}
lifecycle:
  preStop:
    exec:
      command: ["sleep", "{{ .Values.preStopSleepSeconds }}"]
{{- end -}}
{{- end -}}

{{/* Container ports: (dict "ctx" $ "values" .Values.registry) */}}
{{- define "cytolabel.ports" -}}
ports:
  - name: grpc
    containerPort: {{ .values.ports.grpc }}
    protocol: TCP
  - name: metrics
    containerPort: {{ .values.ports.metrics }}
    protocol: TCP
{{- if .ctx.Values.tls.enabled }}
  - name: health
    containerPort: {{ .values.ports.health }}
    protocol: TCP
{{- end }}
{{- end -}}

{{/* Environment every server gets: JVM options, writable HOME/DJL cache, server-side auth and TLS. */}}
{{- define "cytolabel.serverEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ .values.jvmOptions | quote }}
- name: HOME
  value: /tmp
- name: DJL_CACHE_DIR
  value: /tmp/djl
{{- if .ctx.Values.auth.enabled }}
- name: CYTOLABEL_AUTH_TOKENS_FILE
  value: /etc/cytolabel/auth/{{ .ctx.Values.auth.tokensSecret.key }}
- name: CYTOLABEL_AUTH_PROTECT_READS
  value: {{ .ctx.Values.auth.protectReads | quote }}
{{- end }}
{{- if .ctx.Values.tls.enabled }}
- name: CYTOLABEL_TLS_CERT
  value: /etc/cytolabel/tls/tls.crt
- name: CYTOLABEL_TLS_KEY
  value: /etc/cytolabel/tls/tls.key
- name: CYTOLABEL_HEALTH_PORT
  value: {{ .values.ports.health | quote }}
{{- if .ctx.Values.tls.clientAuth }}
- name: CYTOLABEL_TLS_CLIENT_CA
  value: /etc/cytolabel/tls/ca.crt
{{- end }}
{{- end }}
{{- end -}}

{{/* Registry-client environment (trainer, inference): (dict "ctx" $ "token" .Values.auth.trainerToken) */}}
{{- define "cytolabel.clientEnv" -}}
{{- if and .ctx.Values.auth.enabled .token.name }}
- name: CYTOLABEL_TOKEN_FILE
  value: /etc/cytolabel/client-token/{{ .token.key }}
{{- end }}
{{- if .ctx.Values.tls.enabled }}
- name: CYTOLABEL_TLS_CA
  value: /etc/cytolabel/tls/ca.crt
{{- if .ctx.Values.tls.clientAuth }}
- name: CYTOLABEL_TLS_CLIENT_CERT
  value: /etc/cytolabel/tls/tls.crt
- name: CYTOLABEL_TLS_CLIENT_KEY
  value: /etc/cytolabel/tls/tls.key
{{- end }}
{{- end }}
{{- end -}}

{{/* Secret volumes for auth and TLS: (dict "ctx" $ "token" .Values.auth.trainerToken) ; token optional */}}
{{- define "cytolabel.secretVolumes" -}}
{{- if .ctx.Values.auth.enabled }}
- name: auth-tokens
  secret:
    secretName: {{ required "auth.tokensSecret.name is required when auth.enabled" .ctx.Values.auth.tokensSecret.name }}
    defaultMode: 0440
{{- if and .token .token.name }}
- name: client-token
  secret:
    secretName: {{ .token.name }}
    defaultMode: 0440
{{- end }}
{{- end }}
{{- if .ctx.Values.tls.enabled }}
- name: tls
  secret:
    secretName: {{ required "tls.secretName is required when tls.enabled" .ctx.Values.tls.secretName }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "cytolabel.secretMounts" -}}
{{- if .ctx.Values.auth.enabled }}
- name: auth-tokens
  mountPath: /etc/cytolabel/auth
  readOnly: true
{{- if and .token .token.name }}
- name: client-token
  mountPath: /etc/cytolabel/client-token
  readOnly: true
{{- end }}
{{- end }}
{{- if .ctx.Values.tls.enabled }}
- name: tls
  mountPath: /etc/cytolabel/tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* Scheduling and pod-level settings shared by the three Deployments: (dict "ctx" $ "values" ..) */}}
{{- define "cytolabel.podScheduling" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Ingress rule for the metrics port: from networkPolicy.metricsFrom, or anyone when empty. */}}
{{- define "cytolabel.metricsIngress" -}}
- ports:
    - port: metrics
      protocol: TCP
  {{- with .metricsFrom }}
  from:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* The training Job template (java.util.Properties) the trainer's Kubernetes runner reads. */}}
{{- define "cytolabel.jobTemplate" -}}
{{- $t := .Values.trainer -}}
{{- $j := $t.jobs -}}
image={{ default (include "cytolabel.image" (dict "ctx" . "values" $t)) $j.image }}
command={{ $j.command }}
imagePullPolicy={{ .Values.image.pullPolicy }}
namespace={{ .Release.Namespace }}
serviceAccount={{ include "cytolabel.componentName" (dict "ctx" . "component" "training-job") }}
registry={{ include "cytolabel.registryTarget" . }}
datasets.claim={{ default (include "cytolabel.componentName" (dict "ctx" . "component" "trainer")) $t.persistence.existingClaim }}
resources.cpu={{ $j.resources.cpu }}
resources.memory={{ $j.resources.memory }}
resources.gpu={{ $j.resources.gpu }}
{{- range $k, $v := $j.nodeSelector }}
nodeSelector.{{ $k }}={{ $v }}
{{- end }}
backoffLimit={{ $j.backoffLimit }}
ttlSecondsAfterFinished={{ $j.ttlSecondsAfterFinished }}
activeDeadlineSeconds={{ $j.activeDeadlineSeconds }}
runAsUser={{ .Values.securityContext.runAsUser }}
env.JAVA_TOOL_OPTIONS={{ $j.jvmOptions }}
{{- if and .Values.auth.enabled .Values.auth.trainerToken.name }}
secretEnv.CYTOLABEL_TOKEN={{ .Values.auth.trainerToken.name }}/{{ .Values.auth.trainerToken.key }}
{{- end }}
{{- end -}}
