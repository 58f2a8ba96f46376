#!/usr/bin/env bash
# Installs what the example clients need, idempotently (CI runs it from .ci/run):
#   Python: Debian's python3-grpcio python3-protobuf python3-grpc-tools python3-h5py python3-numpy
#           (for /usr/bin/python3; nothing from PyPI)
#   Node:   node and npm (Debian's nodejs/npm when there is no node at all), then `npm ci` in
#           clients/node (@grpc/grpc-js and @grpc/proto-loader at the versions package-lock.json pins)
# Missing Debian packages are installed with apt-get when run as root (apt-get update first);
# anyone else gets the apt-get command to run. A second run with everything in place changes nothing.
set -euo pipefail
cd "$(dirname "$0")"

log() { echo "clients/setup.sh: $*" >&2; }

debs=(python3-grpcio python3-protobuf python3-grpc-tools python3-h5py python3-numpy)
command -v node >/dev/null 2>&1 || debs+=(nodejs)
command -v npm >/dev/null 2>&1 || debs+=(npm)

missing=()
for p in "${debs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    if [[ $EUID -ne 0 ]]; then
        log "missing Debian packages: ${missing[*]}; run: sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    log "installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
/usr/bin/python3 -c 'import grpc, google.protobuf, grpc_tools.protoc, h5py, numpy' \
    || { log "/usr/bin/python3 cannot import grpc, protobuf, grpc_tools, h5py and numpy"; exit 1; }

# npm ci wipes node_modules and installs the lock file's versions; skip it when they are there already
lock_hash="$(sha256sum node/package-lock.json | cut -d' ' -f1)"
stamp=node/node_modules/.cytolabel-lock-sha256
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
    log "node/node_modules is up to date with package-lock.json"
else
    log "npm ci in clients/node"
    (cd node && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_hash" >"$stamp"
fi
(cd node && node -e 'require("@grpc/grpc-js"); require("@grpc/proto-loader")') \
    || { log "node cannot load @grpc/grpc-js and @grpc/proto-loader from clients/node/node_modules"; exit 1; }
log "ready: $(/usr/bin/python3 -c 'import grpc; print("grpcio", grpc.__version__)'), node $(node --version)"
