#!/usr/bin/env bash
# End-to-end test of the clients in other languages against running services (CI runs it from
# .ci/run after `./mvnw -B verify`; clients/setup.sh installs what it needs).
#
#   1. starts registry, trainer and inference (the CLI jar) on free loopback ports;
#   2. trains a linear model on the bundled Kang 2018 h5ad through `cytolabel train` and moves its
#      `production` alias;
#   3. annotates the h5ad with the Python client and the 10x directory (the same cells) with the
#      Node client, and both inputs with the Java CLI (`cytolabel annotate`);
#   4. asserts for each client: one row per cell, in the input's order, every row labelled, labels
#      identical to the Java CLI's and probabilities (and uncertainties) within 1e-5 of them.
#
# Environment: CYTOLABEL_CLI_JAR (default cli/target/cytolabel-cli.jar), CYTOLABEL_PYTHON (default
# /usr/bin/python3: Debian's packages), CYTOLABEL_NODE (default node), CYTOLABEL_E2E_KEEP=1 keeps
# the work directory (it is kept anyway when something fails).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
JAR="$(realpath -m "${CYTOLABEL_CLI_JAR:-$ROOT/cli/target/cytolabel-cli.jar}")"
PYTHON="${CYTOLABEL_PYTHON:-/usr/bin/python3}"
NODE="${CYTOLABEL_NODE:-node}"
H5AD="$ROOT/data/h5ad/kang2018_muscat_example_sce.h5ad"
TENX="$ROOT/data/10x/kang2018_ctrl_stim"
MODEL=e2e-kang
WORK=""
PIDS=()
FAILED=1

log() { printf '[e2e %4ss] %s\n' "$SECONDS" "$*" >&2; }

fail() {
    printf '\n[e2e] FAILED: %s\n' "$*" >&2
    exit 1
}

cleanup() {
    local rc=$?
    local pid deadline
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    # the services drain on SIGTERM; whatever is still up after 15 s is killed
    deadline=$((SECONDS + 15))
    for pid in "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -z "$WORK" ]]; then
        return
    fi
    if [[ $rc -ne 0 || $FAILED -ne 0 ]]; then
        for f in "$WORK"/*.log; do
            [[ -f "$f" ]] || continue
            printf '\n----- last lines of %s -----\n' "$f" >&2
            tail -n 25 "$f" >&2
        done
        printf '\n[e2e] FAILED (exit %s) after %ss; logs and outputs kept in %s\n' "$rc" "$SECONDS" "$WORK" >&2
    elif [[ "${CYTOLABEL_E2E_KEEP:-0}" == 1 ]]; then
        log "outputs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- preflight: every tool is there, or say how to get it ------------------------------------------
[[ -f "$JAR" ]] || fail "no CLI jar at $JAR; build it with ./mvnw -B -DskipTests package (or set CYTOLABEL_CLI_JAR)"
command -v java >/dev/null || fail "java is not on PATH"
"$PYTHON" -c 'import grpc, grpc_tools.protoc, h5py, numpy' 2>/dev/null \
    || fail "$PYTHON cannot import grpc, grpc_tools, h5py, numpy; run: bash clients/setup.sh"
command -v "$NODE" >/dev/null || fail "$NODE is not on PATH; run: bash clients/setup.sh"
(cd clients/node && "$NODE" -e 'require("@grpc/grpc-js"); require("@grpc/proto-loader")') 2>/dev/null \
    || fail "clients/node has no node_modules; run: bash clients/setup.sh (npm ci in clients/node)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cytolabel-e2e.XXXXXX")"

java_run() {
    java ${CYTOLABEL_E2E_JAVA_OPTS:--Xmx1g} -Dai.djl.offline=true -jar "$JAR" "$@"
}

# --- services ----------------------------------------------------------------------------------------
read -r P_REG P_TRAIN P_INF < <("$PYTHON" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks:
    s.close()
EOF
)

start() {
    local name="$1"
    shift
    # a simple command, so that $! is the JVM itself (the trap signals it)
    java ${CYTOLABEL_E2E_JAVA_OPTS:--Xmx1g} -Dai.djl.offline=true -jar "$JAR" "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=("$!")
}

wait_port() {
    local name="$1" pid="$2" port="$3" deadline=$((SECONDS + 90))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || fail "$name exited before listening on port $port (log: $WORK/$name.log)"
        ((SECONDS < deadline)) || fail "$name did not listen on port $port within 90 s (log: $WORK/$name.log)"
        sleep 0.3
    done
}

log "work directory $WORK; jar $JAR"
log "starting registry :$P_REG, trainer :$P_TRAIN, inference :$P_INF"
start registry registry --host 127.0.0.1 --port "$P_REG" --data-dir "$WORK/registry-data" --metrics-port -1
start trainer trainer --host 127.0.0.1 --port "$P_TRAIN" --registry "127.0.0.1:$P_REG" \
    --data-dir "$WORK/trainer-data" --metrics-port -1
start inference inference --host 127.0.0.1 --port "$P_INF" --registry "127.0.0.1:$P_REG" --metrics-port -1
wait_port registry "${PIDS[0]}" "$P_REG"
wait_port trainer "${PIDS[1]}" "$P_TRAIN"
wait_port inference "${PIDS[2]}" "$P_INF"
log "services are up"

# --- a model -----------------------------------------------------------------------------------------
t0=$SECONDS
java_run train --trainer "127.0.0.1:$P_TRAIN" --data "$H5AD" --label-column cluster_id \
    --split-column group_id --test-groups stim --model linear --name "$MODEL" --alias production --seed 0 \
    >"$WORK/train.log" 2>&1 || fail "cytolabel train failed (log: $WORK/train.log)"
log "trained and published $MODEL@production (linear) in $((SECONDS - t0)) s"

# --- the clients -------------------------------------------------------------------------------------
annotate_step() {
    local name="$1"
    shift
    local t=$SECONDS
    "$@" >"$WORK/$name.log" 2>&1 || fail "$name failed (log: $WORK/$name.log)"
    log "$name: $(tail -n 1 "$WORK/$name.log") ($((SECONDS - t)) s)"
}
SERVER="127.0.0.1:$P_INF"
annotate_step python-h5ad "$PYTHON" clients/python/annotate.py --server "$SERVER" --model "$MODEL@production" \
    --data "$H5AD" --out "$WORK/python-h5ad.csv" --chunk-size 400
annotate_step node-10x "$NODE" clients/node/annotate.js --server "$SERVER" --model "$MODEL@production" \
    --data "$TENX" --out "$WORK/node-10x.csv" --chunk-size 400
annotate_step java-h5ad java_run annotate --server "$SERVER" --model "$MODEL@production" --data "$H5AD" \
    --out "$WORK/java-h5ad.csv" --chunk-size 400
annotate_step java-10x java_run annotate --server "$SERVER" --model "$MODEL@production" --data "$TENX" \
    --out "$WORK/java-10x.csv" --chunk-size 400

# --- the checks --------------------------------------------------------------------------------------
"$PYTHON" - "$WORK" "$H5AD" "$TENX" <<'EOF' || fail "the clients' outputs disagree (see above)"
import csv, gzip, os, sys
import h5py

work, h5ad, tenx = sys.argv[1:4]
TOL = 1e-5

def rows(name):
    with open(os.path.join(work, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def h5ad_cells(path):
    with h5py.File(path, "r") as f:
        obs = f["obs"]
        index = obs.attrs.get("_index", "_index")
        return [v.decode() if isinstance(v, bytes) else str(v) for v in obs[index][()]]

def tenx_cells(path):
    name = next(n for n in ("barcodes.tsv.gz", "barcodes.tsv") if os.path.exists(os.path.join(path, n)))
    opener = gzip.open if name.endswith(".gz") else open
    with opener(os.path.join(path, name), "rt") as f:
        return [line.strip() for line in f if line.strip()]

problems = []
def check(client_csv, java_csv, cells):
    got, ref = rows(client_csv), rows(java_csv)
    before = len(problems)
    where = "%s vs %s" % (client_csv, java_csv)
    if len(got) != len(cells):
        problems.append("%s: %d rows for %d cells" % (client_csv, len(got), len(cells)))
    if len(ref) != len(cells):
        problems.append("%s: %d rows for %d cells" % (java_csv, len(ref), len(cells)))
    ids = [r["cell_id"] for r in got]
    if ids != cells:
        first = next((i for i, (a, b) in enumerate(zip(ids, cells)) if a != b), min(len(ids), len(cells)))
        problems.append("%s: cell ids differ from the input's from row %d" % (client_csv, first))
    unlabeled = sum(1 for r in got if not r["label"])
    if unlabeled:
        problems.append("%s: %d rows without a label" % (client_csv, unlabeled))
    labels = probs = unc = 0
    worst = 0.0
    for a, b in zip(got, ref):
        if a["cell_id"] != b["cell_id"]:
            problems.append("%s: cell %s where the Java CLI has %s" % (where, a["cell_id"], b["cell_id"]))
            break
        if a["label"] != b["label"]:
            labels += 1
            if labels <= 3:
                problems.append("%s: cell %s labelled %r, the Java CLI says %r" % (where, a["cell_id"], a["label"],
                                                                                  b["label"]))
        d = abs(float(a["probability"]) - float(b["probability"]))
        worst = max(worst, d)
        if d > TOL:
            probs += 1
        if (a["uncertainty"] == "") != (b["uncertainty"] == "") or (
                a["uncertainty"] and abs(float(a["uncertainty"]) - float(b["uncertainty"])) > TOL):
            unc += 1
    if labels:
        problems.append("%s: %d labels differ" % (where, labels))
    if probs:
        problems.append("%s: %d probabilities differ by more than %g (worst %.2e)" % (where, probs, TOL, worst))
    if unc:
        problems.append("%s: %d uncertainties differ" % (where, unc))
    if len(problems) == before:
        kinds = len({r["label"] for r in got})
        print("[e2e] ok: %-15s %d rows = %d cells in input order, all labelled (%d distinct labels), labels "
              "identical to the Java CLI's, max |probability difference| %.1e"
              % (client_csv, len(got), len(cells), kinds, worst), file=sys.stderr)
    else:
        print("[e2e] FAILED: %s: %d problems" % (client_csv, len(problems) - before), file=sys.stderr)

check("python-h5ad.csv", "java-h5ad.csv", h5ad_cells(h5ad))
check("node-10x.csv", "java-10x.csv", tenx_cells(tenx))
if problems:
    for p in problems:
        print("[e2e] " + p, file=sys.stderr)
    sys.exit(1)
EOF

FAILED=0
log "PASSED: the Python and Node clients agree with the Java CLI (total ${SECONDS} s)"
