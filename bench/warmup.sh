#!/usr/bin/env bash
# Warm-up benchmark (issue 13, part 3): how soon a freshly started `tollgate serve` listens, and how fast it proxies
# in its first seconds against the same JVM once warm; without and with the launcher's start-up cache
# (scripts/aot-cache.sh: the JDK 25+ AOT cache, or AppCDS on JDK 21-24). In one run, alternating the two modes in
# each round so that drift hits them alike; every process started here is stopped on exit.
#
# Each start is a new JVM on a copy of one seeded data directory (one customer whose limits are far above the load):
#   listen  time from spawning the JVM until both the gate and the Admin API accept connections (polled every
#           0.1 s), on an empty store (a separate start on a fresh data directory) and on the seeded one
#   first   wrk for FIRST (5 s) against the proxied path, started as soon as the seeded gate listens
#   warm    wrk for MEASURE (5 s) after a further WARM (20 s) of load in the same JVM
# and prints the medians and the ratios first / warm and listen (cache) / listen (no cache).
#
#   bench/warmup.sh                     2 rounds, about 5 minutes on a quiet machine
#   ROUNDS=3 WARM=30s bench/warmup.sh
#
# Environment: ROUNDS (2), FIRST (5s), WARM (20s), MEASURE (5s), WRK_THREADS (2), WRK_CONNECTIONS (64),
# ENGINE_LOOPS (1), TOLLGATE_JAVA_OPTS (none), TOLLGATE_AOT (aot; cds measures the launcher's default AppCDS archive),
# BENCH_KEEP=1 keeps the work directory with every log. Needs wrk and curl (scripts/test-services.sh installs wrk).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$bench_root/scripts/aot-cache.sh"

ROUNDS="${ROUNDS:-2}"
FIRST="${FIRST:-5s}"
WARM="${WARM:-20s}"
MEASURE="${MEASURE:-5s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"

command -v wrk >/dev/null 2>&1 || die "wrk is missing: run scripts/test-services.sh (as root)"
command -v curl >/dev/null 2>&1 || die "curl is missing"
export TOLLGATE_AOT="${TOLLGATE_AOT:-aot}"  # the bench measures the trained cache unless told otherwise
[[ "$TOLLGATE_AOT" != off ]] || die "TOLLGATE_AOT=off: nothing to compare"
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM

# The cache as the launcher makes it (in target/, reused when it is current for this jar and JDK).
t0="$(date +%s%N)"
tollgate_aot_opts "$JAR" serve
CACHE_OPTS=("${TOLLGATE_AOT_OPTS[@]}")
[[ ${#CACHE_OPTS[@]} -gt 0 ]] || die "no start-up cache was made (see target/tollgate-jdk-*.log)"
log "start-up cache ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms: ${CACHE_OPTS[0]}"

start_bench_engine

# timed_start NAME DATA_DIR: start_tollgate; sets LISTEN_MS.
timed_start() {
  local t
  t="$(date +%s%N)"
  start_tollgate "$1" "$2"
  LISTEN_MS=$(( ($(date +%s%N) - t) / 1000000 ))
}

GATE_JVM_OPTS=()
timed_start seed "$BENCH_DIR/seed"
key="$(admin POST /admin/customers '{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}' | json_field key)"
[[ -n "$key" ]] || die "cannot create the customer bench"
stop_gate
if [[ "${CACHE_OPTS[0]}" == -XX:SharedArchiveFile=* ]]; then
  # AppCDS: the JVM writes the archive when a run with it exits; one such run first, so that "cache" uses one
  GATE_JVM_OPTS=("${CACHE_OPTS[@]}")
  timed_start cds-dump "$BENCH_DIR/cds-dump"
  stop_gate
fi

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for mode in nocache cache; do
    if [[ $mode == cache ]]; then GATE_JVM_OPTS=("${CACHE_OPTS[@]}"); else GATE_JVM_OPTS=(); fi
    timed_start "empty-$r-$mode" "$BENCH_DIR/empty-$r-$mode"
    listen_empty="$LISTEN_MS"
    stop_gate
    cp -a "$BENCH_DIR/seed" "$BENCH_DIR/data-$r-$mode"
    timed_start "gate-$r-$mode" "$BENCH_DIR/data-$r-$mode"
    listen_seeded="$LISTEN_MS"
    url="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
    read -r first_rps _ first_p99 first_non2xx _ <<<"$(wrk_run "$url" "$key" "$FIRST")"
    wrk_run "$url" "$key" "$WARM" >/dev/null
    read -r warm_rps _ warm_p99 warm_non2xx _ <<<"$(wrk_run "$url" "$key" "$MEASURE")"
    [[ "$first_non2xx" == 0 && "$warm_non2xx" == 0 ]] || die "$mode: answers >= 400 ($first_non2xx, $warm_non2xx)"
    stop_gate
    echo "$r $mode $listen_empty $listen_seeded $first_rps $warm_rps $first_p99 $warm_p99" >>"$results"
    log "round $r $mode: listens after $listen_empty ms (empty store), $listen_seeded ms (seeded);" \
      "first $FIRST $first_rps req/s, warm $warm_rps req/s"
  done
done

med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$results" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# per-round ratio of two columns of one mode, median over rounds
inner() { awk -v t="$1" -v a="$2" -v b="$3" '$2 == t && $b > 0 { print $a / $b }' "$results" | median \
  | awk '{ printf "%.2f", $1 }'; }
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t${WRK_THREADS:-2} -c${WRK_CONNECTIONS:-64}: first $FIRST as soon as it listens, warm $MEASURE after $WARM more;" \
  "$ROUNDS rounds, medians; cache: ${CACHE_OPTS[0]##*/}"
echo
printf '| %-8s | %16s | %17s | %13s | %12s | %12s | %12s |\n' mode "listen ms, empty" "listen ms, seeded" \
  "first req/s" "warm req/s" "first p99 ms" "warm p99 ms"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------" "------------------" "-------------------" "---------------" \
  "--------------" "--------------" "--------------"
for m in nocache cache; do
  printf '| %-8s | %16.0f | %17.0f | %13.0f | %12.0f | %12.3f | %12.3f |\n' "$m" "$(med "$m" 3)" "$(med "$m" 4)" \
    "$(med "$m" 5)" "$(med "$m" 6)" "$(med "$m" 7)" "$(med "$m" 8)"
done
echo
echo "Ratios (median of the per-round ratios) [aim]:"
printf '  %-44s %s   [>= 0.7]\n' "first / warm throughput, with the cache" "$(inner cache 5 6)"
printf '  %-44s %s\n' "first / warm throughput, without" "$(inner nocache 5 6)"
printf '  %-44s %s\n' "listen time, cache / no cache (empty store)" "$(round_ratio "$results" cache nocache 3)"
printf '  %-44s %s   [<= 1000 ms]\n' "listen time with the cache, empty store" "$(med cache 3) ms"
