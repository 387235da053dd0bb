#!/usr/bin/env bash
# Access log benchmark: what writing one JSON line per request costs the proxied path. Two Tollgates in front of
# the same engine, one with `access_log.target: off`, one with `file`, each with a real key and limits far above
# the load; measured with wrk in alternating rounds so that drift hits both alike. Checks afterwards that the file
# has one line per answered request (wrk's count; the answers in flight when a run stops are counted by the gate
# but not by wrk, so the file may have up to WRK_CONNECTIONS more lines per run) and that it holds no key.
#
#   bench/access-log.sh                     3 rounds of 10 s per Tollgate, about 2 minutes
#   ROUNDS=5 DURATION=20s bench/access-log.sh
#
# Environment: ROUNDS (3), DURATION (10s), WARMUP (20s per Tollgate), WRK_THREADS (2), WRK_CONNECTIONS (64),
# ENGINE_LOOPS (1), TOLLGATE_JAVA_OPTS (none), BENCH_KEEP=1 keeps the work directory.
# Needs wrk and curl (scripts/test-services.sh installs wrk).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-20s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"
CUSTOMER='{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}'

need_tools
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM

start_bench_engine
declare -A URL KEY PIDS
for t in log_off log_file; do
  ACCESS_LOG="$([[ $t == log_off ]] && echo off || echo file)" start_tollgate "$t" "$BENCH_DIR/$t"
  URL[$t]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
  PIDS[$t]="$TOLLGATE_PID"
  KEY[$t]="$(admin POST /admin/customers "$CUSTOMER" | json_field key)"
  [[ -n "${KEY[$t]}" ]] || die "cannot create the customer on $t"
  [[ "$(status "${URL[$t]}" "${KEY[$t]}")" == 200 ]] || die "$t does not answer 200"
done
TARGETS=(log_off log_file)
log "engine :$ENGINE_PORT; work dir $BENCH_DIR; warm-up $WARMUP each"
answered=1  # the status check of log_file above
for t in "${TARGETS[@]}"; do
  read -r _ _ _ _ requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$WARMUP")"
  [[ $t == log_file ]] && answered=$((answered + requests))
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    cpu0="$(cpu_ticks "${PIDS[$t]}")"
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$DURATION")"
    cpu_us=$(( ($(cpu_ticks "${PIDS[$t]}") - cpu0) * 1000000 / CLK_TCK / requests ))
    [[ "$non2xx" == 0 ]] || die "$t: $non2xx of $requests answers were >= 400"
    [[ $t == log_file ]] && answered=$((answered + requests))
    echo "$r $t $rps $p50 $p99 $requests $cpu_us" >>"$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms, $cpu_us us CPU/req"
  done
done

sleep 1  # the writer thread catches up
file="$BENCH_DIR/log_file/access.log"
lines="$( { cat "$file"; for f in "$file".*; do if [[ -f "$f" ]]; then cat "$f"; fi; done; } | wc -l)"
runs=$(( ROUNDS + 1 ))
if grep -q -F -e "${KEY[log_file]}" -e "$ADMIN_KEY" "$file"; then die "the access log holds a key"; fi
(( lines >= answered && lines <= answered + runs * ${WRK_CONNECTIONS:-64} )) \
  || die "the access log has $lines lines for $answered answers counted by wrk"

med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$results" | median; }
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t${WRK_THREADS:-2} -c${WRK_CONNECTIONS:-64} -d$DURATION, $ROUNDS alternating rounds, medians"
echo
printf '| %-9s | %10s | %8s | %8s | %12s |\n' tollgate "req/s" "p50 ms" "p99 ms" "CPU us/req"
printf '|%s|%s|%s|%s|%s|\n' "-----------" "------------" "----------" "----------" "--------------"
for t in "${TARGETS[@]}"; do
  printf '| %-9s | %10.0f | %8.3f | %8.3f | %12s |\n' "$t" "$(med "$t" 3)" "$(med "$t" 4)" "$(med "$t" 5)" "$(med "$t" 7)"
done
echo
echo "Ratios: median of the per-round ratios [aim]:"
echo "  access log on / off throughput      $(round_ratio "$results" log_file log_off 3)   [>= 0.90]"
echo "  access log on / off p99             $(round_ratio "$results" log_file log_off 5)"
echo "  access log on / off CPU per request $(round_ratio "$results" log_file log_off 7)"
echo "  lines in the access log: $lines for $answered answers counted by wrk (warm-up included)"
