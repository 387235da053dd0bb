#!/usr/bin/env bash
# How long `tollgate serve` takes to listen on an existing store (issue 13: 1M keys listening in <= 4 s), each start
# a fresh JVM, as ./tollgate starts it (TOLLGATE_JVM_DEFAULTS, the start-up cache of scripts/aot-cache.sh):
#   bench/serve-start.sh DATA_DIR [RUNS]
# DATA_DIR holds the store (tollgate.db) and its hmac.key, e.g. the one `KeysBench populate` makes (bench/keys-1m.sh
# with BENCH_KEEP=1). Per start it prints the seconds until the gate's and the Admin API's ports both accept, the
# process's CPU at that moment (user + system, from /proc) and that CPU by thread: main (the registry load's
# customers' side, the command line, the store's start), the JIT compilers, GC; the registry's keys' thread has
# ended by then and is counted in the process's figure only. No request is sent; the server is stopped after.
# Environment: JARS (target/tollgate.jar; several, space-separated, alternate within each run), TOLLGATE_AOT
# (cds, the default, aot or off, as ./tollgate: with aot the cache is trained first, next to each jar), STORE_URL
# (another store of the same rows instead of DATA_DIR's SQLite one, e.g. a PostgreSQL copy), WAIT_S (600).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$bench_root/scripts/aot-cache.sh"
data="$(cd "${1:?usage: bench/serve-start.sh DATA_DIR [RUNS]}" && pwd)"
runs="${2:-3}"
read -r -a jars <<<"${JARS:-$JAR}"
open_run serve-start
store_yaml=""
[[ -z "${STORE_URL:-}" ]] || store_yaml="store: {url: \"$STORE_URL\"}"
echo "load average before: $load_before"
for r in $(seq 1 "$runs"); do
  for jar in "${jars[@]}"; do
    tollgate_aot_opts "$jar" serve
    GATE_PORT="$(free_port)" ADMIN_PORT="$(free_port)"
    cat >"$BENCH_DIR/serve.yaml" <<EOF
gate:
  listen: 127.0.0.1:$GATE_PORT
  engine: http://127.0.0.1:9
admin:
  listen: 127.0.0.1:$ADMIN_PORT
data_dir: $data
$store_yaml
access_log:
  target: off
EOF
    t0=$(date +%s.%N)
    spawn serve env TOLLGATE_ADMIN_KEY="bench-admin-key-0123456789abcdef" TOLLGATE_LOG_LEVEL=INFO \
      "$JAVA" ${TOLLGATE_JVM_DEFAULTS[@]+"${TOLLGATE_JVM_DEFAULTS[@]}"} ${TOLLGATE_JAVA_OPTS:-} \
      ${TOLLGATE_AOT_OPTS[@]+"${TOLLGATE_AOT_OPTS[@]}"} -jar "$jar" serve --config "$BENCH_DIR/serve.yaml"
    pid="$SPAWNED"
    WAIT_S="${WAIT_S:-600}" wait_port "$GATE_PORT" "$pid" serve
    WAIT_S="${WAIT_S:-600}" wait_port "$ADMIN_PORT" "$pid" serve
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    cpu=$(awk -v t="$(cpu_ticks "$pid")" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')
    threads=$(for s in /proc/"$pid"/task/*/stat; do
        # a thread may end meanwhile: its file is gone
        { sed -E 's/^[0-9]+ \((.*)\) /\1\t/' "$s" 2>/dev/null || true; } | awk -F'\t' '{ split($2, f, " "); print $1 "\t" f[12] + f[13] }'
      done | awk -F'\t' -v hz="$CLK_TCK" '
        { n = $1; sub(/#?[0-9]+$/, "", n); sub(/ +$/, "", n); t[n] += $2 }
        END { for (n in t) if (t[n] >= hz / 20) printf "%s %.2f; ", n, t[n] / hz }')
    echo "run $r $(basename "$(dirname "$jar")")/$(basename "$jar") aot=${TOLLGATE_AOT:-cds}: listening after ${wall} s, process CPU ${cpu} s (${threads% })" \
      "load $(cut -d' ' -f1 /proc/loadavg)"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
