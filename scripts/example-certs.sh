#!/usr/bin/env bash
# Makes a throwaway CA and a client certificate per cluster of a clusters file, named the way
# `promcc render --cert-dir` reads them (<id>-ca.pem, <id>-crt.pem, <id>-key.pem). For trying
# the controller out only: real certificates come from Vault PKI or Kubernetes Secrets.
#
#   scripts/example-certs.sh examples/clusters.yml OUT_DIR
set -euo pipefail
clusters=${1:?usage: example-certs.sh CLUSTERS_FILE OUT_DIR}
out=${2:?usage: example-certs.sh CLUSTERS_FILE OUT_DIR}
command -v openssl >/dev/null || { echo "example-certs.sh: openssl is needed (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
chmod 700 "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timeout --foreground 60 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=promcc example ca" -keyout "$work/ca-key.pem" -out "$work/ca.pem" 2>/dev/null
# ids are DNS-1123 labels, so this simple scan of "- id: x" / "id: x" lines is enough here
grep -E '^[[:space:]-]*id:[[:space:]]*[a-z0-9-]+' "$clusters" | sed -E 's/.*id:[[:space:]]*([a-z0-9-]+).*/\1/' |
while read -r id; do
  timeout --foreground 60 openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=prometheus.$id" \
    -keyout "$out/$id-key.pem" -out "$work/$id.csr" 2>/dev/null
  timeout --foreground 60 openssl x509 -req -in "$work/$id.csr" -CA "$work/ca.pem" -CAkey "$work/ca-key.pem" \
    -CAcreateserial -days 30 -out "$out/$id-crt.pem" 2>/dev/null
  cp "$work/ca.pem" "$out/$id-ca.pem"
  chmod 600 "$out/$id-key.pem"
done
echo "$out"
