#!/usr/bin/env bash
# Registry benchmark with 1,000,000 customers of one key each in the embedded SQLite store:
#   1. populate: a fresh store written in one transaction (real HMAC digests of well-formed keys), and a second
#      store with only the benchmark customer;
#   2. measure (fresh JVM): LiveRegistry.load as at start, the store's share of it (loadAll), two reloads, and the
#      heap the view holds per key;
#   3. the time `tollgate serve` needs to listen with each store, then proxy throughput through a Tollgate with
#      1M keys against one with 1 key, in alternating rounds (same engine, same key format, same limits).
# Everything on 127.0.0.1; every process started here is stopped on exit. See docs/performance.md.
#
#   bench/keys-1m.sh                    about 5-6 minutes on 2 cores
#   KEYS=200000 ROUNDS=2 bench/keys-1m.sh
#   KEYS=10000000 REGISTRY_ONLY=1 bench/keys-1m.sh   the 10M option: populate and step 2 only
#   PG_URL='jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate&currentSchema=keys1m' \
#     REGISTRY_ONLY=1 bench/keys-1m.sh   step 2 on PostgreSQL too: the populated store copied there by
#                                        `tollgate migrate` (the schema must be new or empty)
#
# Environment: KEYS (1000000), ROUNDS (3), DURATION (10s), WARMUP (30s each: a server that has just loaded 1M keys
# needs that long to finish compiling and for G1 to settle its old generation), WRK_THREADS (2), WRK_CONNECTIONS (64),
# TOLLGATE_JAVA_OPTS (none), PG_URL (none: SQLite only), REGISTRY_ONLY=1 stops after step 2, BENCH_KEEP=1 keeps the work directory (and the stores) with every log.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KEYS="${KEYS:-1000000}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-30s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"

need_tools
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-keys.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
bench_java() { "$JAVA" --enable-native-access=ALL-UNNAMED ${TOLLGATE_JAVA_OPTS:-} \
  -cp "$JAR:$bench_root/target/test-classes" io.tollgate.bench.KeysBench "$@" 2>>"$BENCH_DIR/keysbench.log"; }
field() { sed -n "s/^$1=//p" "$2" | head -n1; }

log "populating $KEYS customers with one key each (work dir $BENCH_DIR)"
bench_java populate "$BENCH_DIR/big" "$KEYS" >"$BENCH_DIR/populate-big.txt"
bench_java populate "$BENCH_DIR/small" 1 >"$BENCH_DIR/populate-small.txt"
big_key="$(field BENCH_KEY "$BENCH_DIR/populate-big.txt")"
small_key="$(field BENCH_KEY "$BENCH_DIR/populate-small.txt")"
log "populated in $(field keys_generated_s "$BENCH_DIR/populate-big.txt") s (keys) + $(field inserted_s "$BENCH_DIR/populate-big.txt") s (inserts)"

log "measuring LiveRegistry.load, reload and heap"
bench_java measure "$BENCH_DIR/big" >"$BENCH_DIR/measure.txt"
m() { field "$1" "$BENCH_DIR/measure.txt"; }
registry_figures() {
  echo "Registry with $(m customers) customers, $(m keys) keys (${STORE_NAME:-SQLite}, JVM max heap $(m max_heap_mb) MiB):"
  echo "  LiveRegistry.load (fresh JVM, as at start)   $(m load_s) s   [aim <= 2 s]"
  echo "    CPU: customers' / keys' thread / process   $(m load_thread_cpu_s) s / $(m load_keys_thread_cpu_s) s / $(m load_process_cpu_s) s (GC and JIT included)"
  echo "    the store's stream alone (warm JVM)        $(m stream_only_s) s"
  echo "  reload (warm JVM)                            $(m reload_1_s) s, $(m reload_2_s) s   [aim <= 2 s]"
  echo "    CPU of the reloading thread / keys' thread $(m reload_1_thread_cpu_s) s, $(m reload_2_thread_cpu_s) s / $(m reload_1_keys_thread_cpu_s) s, $(m reload_2_keys_thread_cpu_s) s"
  echo "  heap held by the view                        $(( $(m view_heap_bytes) / 1048576 )) MiB = $(m heap_bytes_per_key) bytes per key   [aim <= 120]"
}
pg_figures() {
  [[ -n "${PG_URL:-}" ]] || return 0
  echo
  (measure_txt="$BENCH_DIR/measure-pg.txt"; m() { field "$1" "$measure_txt"; }; STORE_NAME=PostgreSQL registry_figures)
}
if [[ -n "${PG_URL:-}" ]]; then
  log "copying the store to PostgreSQL (tollgate migrate) and measuring there"
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" migrate --from "sqlite:$BENCH_DIR/big/tollgate.db" \
    --to "$PG_URL" >>"$BENCH_DIR/keysbench.log" 2>&1 || die "tollgate migrate failed: see $BENCH_DIR/keysbench.log"
  bench_java measure "$BENCH_DIR/big" "$PG_URL" >"$BENCH_DIR/measure-pg.txt"
fi
if [[ "${REGISTRY_ONLY:-0}" == 1 ]]; then
  echo
  echo "Machine: $(machine)"
  echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  registry_figures
  pg_figures
  exit 0
fi

start_bench_engine
t0=$(date +%s.%N)
WAIT_S=600 start_tollgate big "$BENCH_DIR/big"
big_start=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
big_port=$GATE_PORT big_pid=$TOLLGATE_PID
t0=$(date +%s.%N)
start_tollgate small "$BENCH_DIR/small"
small_start=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
small_port=$GATE_PORT small_pid=$TOLLGATE_PID

declare -A URL=([small]="http://127.0.0.1:$small_port$PATH_UNDER_TEST" [big]="http://127.0.0.1:$big_port$PATH_UNDER_TEST")
declare -A KEY=([small]="$small_key" [big]="$big_key")
for t in small big; do
  got="$(status "${URL[$t]}" "${KEY[$t]}")"
  [[ "$got" == 200 ]] || die "the Tollgate with the $t store answers $got to its benchmark key"
done
log "warm-up: $WARMUP each"
for t in small big; do wrk_run "${URL[$t]}" "${KEY[$t]}" "$WARMUP" >/dev/null; done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for t in small big; do
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$DURATION")"
    [[ "$non2xx" == 0 ]] || die "$t: $non2xx of $requests answers were >= 400"
    echo "$r $t $rps $p50 $p99 $requests" >>"$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms"
  done
done
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$results" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
registry_figures
echo "  tollgate serve until listening               ${big_start} s with $(m keys) keys, ${small_start} s with 1 key"
echo "  resident memory after the run                $(rss "$big_pid") MiB with $(m keys) keys, $(rss "$small_pid") MiB with 1 key"
pg_figures
echo
echo "Proxy throughput, wrk -t${WRK_THREADS:-2} -c${WRK_CONNECTIONS:-64} -d$DURATION, $ROUNDS alternating rounds, medians:"
printf '| %-14s | %10s | %8s | %8s |\n' store "req/s" "p50 ms" "p99 ms"
printf '|%s|%s|%s|%s|\n' "----------------" "------------" "----------" "----------"
for t in small big; do
  printf '| %-14s | %10.0f | %8.3f | %8.3f |\n' "$([[ $t == big ]] && echo "$KEYS keys" || echo "1 key")" \
    "$(med "$t" 3)" "$(med "$t" 4)" "$(med "$t" 5)"
done
echo "Per round (req/s):"
for r in $(seq 1 "$ROUNDS"); do
  echo "  round $r: 1 key $(awk -v r="$r" '$1 == r && $2 == "small" { print $3 }' "$results")," \
    "$KEYS keys $(awk -v r="$r" '$1 == r && $2 == "big" { print $3 }' "$results")"
done
echo
echo "Ratios: of the medians above / median of the per-round ratios [aim]:"
echo "  throughput with $KEYS keys / with 1 key   $(ratio "$(med big 3)" "$(med small 3)") / $(round_ratio "$results" big small 3)   [>= 0.95]"
echo "  p99 with $KEYS keys / with 1 key          $(ratio "$(med big 5)" "$(med small 5)") / $(round_ratio "$results" big small 5)   [<= 1.3]"
