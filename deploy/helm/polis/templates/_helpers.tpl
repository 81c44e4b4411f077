{{- define "polis.fullname" -}}
{{- printf "%s-polis" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "polis.labels" -}}
app.kubernetes.io/name: polis
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "polis.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Non-root, read-only root file system; writable scratch space comes from emptyDir volumes. */}}
{{- define "polis.securityContext" -}}
runAsNonRoot: true
runAsUser: 1000
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: ["ALL"] }
{{- end -}}
