#!/usr/bin/env bash
# Shared limits benchmark: one Tollgate node with local limits against one with shared limits in a private Redis
# (limits.redis.url), same engine, same run, alternating rounds; one customer far from its limits. Prints both
# throughputs, their ratio [aim >= 0.9] and the Redis round trips per allowed request of the Redis node
# (tollgate_limits_redis_calls_total / answers) [aim <= 0.05]. Every process started here is stopped on exit.
#
#   bench/redis-limits.sh                    3 rounds of 10 s per node
#   ROUNDS=5 DURATION=20s bench/redis-limits.sh
#
# Environment: ROUNDS (3), DURATION (10s), WARMUP (20s per node), REDIS_TIMEOUT (20ms: limits.redis.timeout), WRK_THREADS (2), WRK_CONNECTIONS (64),
# BENCH_KEEP=1 keeps the work directory. Needs wrk, curl and redis-server (scripts/test-services.sh installs them).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-20s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"

command -v wrk >/dev/null 2>&1 || die "wrk is missing: run scripts/test-services.sh (as root)"
[[ -x /usr/bin/redis-server ]] || die "redis-server is missing: run scripts/test-services.sh (as root)"
build_jar
open_run redis-limits

start_bench_engine
REDIS_PORT="$(free_port)"
spawn redis /usr/bin/redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$BENCH_DIR" --protected-mode no
wait_port "$REDIS_PORT" "$SPAWNED" redis

declare -A GATE ADMIN_OF KEY PID
for node in local redis; do
  if [[ $node == redis ]]; then
    TOLLGATE_EXTRA_YAML="limits:
  redis:
    url: redis://127.0.0.1:$REDIS_PORT
    timeout: ${REDIS_TIMEOUT:-20ms}"
  else
    TOLLGATE_EXTRA_YAML=""
  fi
  start_tollgate "$node" "$BENCH_DIR/data-$node"
  GATE[$node]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
  ADMIN_OF[$node]="$ADMIN_PORT"
  PID[$node]="$TOLLGATE_PID"
  KEY[$node]="$(admin POST /admin/customers "$FAR_CUSTOMER" | json_field key)"
  [[ -n "${KEY[$node]}" ]] || die "cannot create the customer bench on the $node node"
  for _ in $(seq 1 50); do  # the first calls open Redis connections and seed the counters
    got="$(status "${GATE[$node]}" "${KEY[$node]}")"
    [[ "$got" == 200 ]] && break
    sleep 0.2
  done
  [[ "$got" == 200 ]] || die "the $node node answers $got, expected 200"
done
log "engine :$ENGINE_PORT, redis :$REDIS_PORT, local node ${GATE[local]}, redis node ${GATE[redis]}; work dir $BENCH_DIR"

redis_calls() {
  curl -s "http://127.0.0.1:${ADMIN_OF[redis]}/metrics" -H "Authorization: Bearer $ADMIN_KEY" \
    | awk '/^tollgate_limits_redis_calls_total/ { printf "%d", $2 }'
}

log "warm-up: $WARMUP per node"
for node in local redis; do
  wrk_run "${GATE[$node]}" "${KEY[$node]}" "$WARMUP" >/dev/null
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for node in local redis; do
    calls0="$(redis_calls)"
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${GATE[$node]}" "${KEY[$node]}" "$DURATION")"
    calls=$(( $(redis_calls) - calls0 ))
    [[ "$non2xx" == 0 ]] || die "$node: $non2xx of $requests answers were >= 400"
    echo "$r $node $rps $p50 $p99 $requests $calls" >>"$results"
    log "round $r $node: $rps req/s, p50 $p50 ms, p99 $p99 ms$([[ $node == redis ]] && echo ", $calls Redis calls")"
  done
done

med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$results" | median; }
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t${WRK_THREADS:-2} -c${WRK_CONNECTIONS:-64} -d$DURATION, $ROUNDS alternating rounds, medians; both nodes,"
echo "the engine, Redis and wrk share the machine"
echo
printf '| %-22s | %10s | %8s | %8s |\n' node "req/s" "p50 ms" "p99 ms"
printf '|%s|%s|%s|%s|\n' "------------------------" "------------" "----------" "----------"
for node in local redis; do
  printf '| %-22s | %10.0f | %8.3f | %8.3f |\n' "$([[ $node == local ]] && echo "local limits" || echo "shared limits (Redis)")" \
    "$(med "$node" 3)" "$(med "$node" 4)" "$(med "$node" 5)"
done
echo
printf '  %-44s %s   [>= 0.9]\n' "redis / local throughput (per-round median):" "$(round_ratio "$results" redis local 3)"
awk '$2 == "redis" { c += $7; n += $6 } END { printf "  %-44s %.4f   [<= 0.05] (%d calls, %d answers)\n",
  "Redis round trips per allowed request:", c / n, c, n }' "$results"
