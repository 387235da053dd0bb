#!/usr/bin/env bash
# Two nodes against one: the same customer's proxied requests through nginx to two Tollgate nodes, against nginx
# to one node (and that node reached directly), all in the same run. Both nodes share one PostgreSQL database (a
# fresh one, dropped at the end), metering in batch mode, the bench engine behind them; with REDIS=1 also one
# private Redis for shared rate limits and quotas (the customer far from both). The paths are measured in alternating rounds, so that
# drift hits them alike; every process started here is stopped on exit. Prints a table of medians, the ratios,
# and the CPU each part used (see docs/performance.md, "Two nodes against one").
#
#   bench/two-nodes.sh                  3 rounds of 10 s per path, about 3.5 minutes
#   ROUNDS=5 DURATION=20s bench/two-nodes.sh
#   REDIS=1 bench/two-nodes.sh          the nodes share rate limits and quotas in Redis (limits.redis.url)
#
# Everything runs on this machine: on 2 cores, wrk, nginx, the nodes, the engine, PostgreSQL and Redis share them,
# so a second node adds processes, not cores; the figures say what the cluster costs, not how it scales.
# Environment: ROUNDS (3), DURATION (10s), WARMUP (20s per path), WRK_THREADS (2), WRK_CONNECTIONS (64),
# NGINX_WORKERS (1), ENGINE_LOOPS (1), TOLLGATE_JAVA_OPTS (none), BENCH_PG_URL (the tests' server,
# jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate; its role needs CREATEDB),
# BENCH_KEEP=1 keeps the work directory with every log.
# Needs nginx, wrk, curl, psql and redis-server (scripts/test-services.sh installs them).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-20s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"
PG_URL="${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate}"

need_tools
pg_server "$PG_URL"
[[ -z "${REDIS:-}" ]] || command -v redis-server >/dev/null 2>&1 \
  || die "redis-server is missing: run scripts/test-services.sh (as root)"
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_create_db tollgate_bench
bench_db="$PG_DB_NAME" node_pg_url="$PG_DB_URL"

TOLLGATE_ENV="TOLLGATE_STORE_URL=$node_pg_url TOLLGATE_HMAC_SECRET=bench-secret-shared-by-both-nodes-0123456789"
REDIS_PID=""
if [[ -n "${REDIS:-}" ]]; then
  REDIS_PORT="$(free_port)"
  spawn redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$BENCH_DIR"
  wait_port "$REDIS_PORT" "$SPAWNED" redis
  REDIS_PID="$SPAWNED"
  TOLLGATE_ENV="$TOLLGATE_ENV TOLLGATE_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  # a loaded 2-core machine: a timeout well above the default 20 ms, so that only a failing Redis counts
  TOLLGATE_EXTRA_YAML="limits:
  redis:
    timeout: 200ms"
fi

start_bench_engine
TOLLGATE_ENV="$TOLLGATE_ENV TOLLGATE_NODE_ID=node-1"
start_tollgate node1 "$BENCH_DIR/node1"
NODE1_PID="$TOLLGATE_PID" NODE1_PORT="$GATE_PORT" NODE1_ADMIN="$ADMIN_PORT"
TOLLGATE_ENV="${TOLLGATE_ENV/node-1/node-2}"
start_tollgate node2 "$BENCH_DIR/node2"
NODE2_PID="$TOLLGATE_PID" NODE2_PORT="$GATE_PORT"
ADMIN_PORT="$NODE1_ADMIN"  # admin() goes to node 1; any node takes any admin call
start_nginx "127.0.0.1:$NODE1_PORT" "127.0.0.1:$NODE1_PORT,127.0.0.1:$NODE2_PORT"
ONE_NGINX="${NGINX_PORTS[0]}" TWO_NGINX="${NGINX_PORTS[1]}"
log "engine :$ENGINE_PORT, redis :${REDIS_PORT:-none}, node1 :$NODE1_PORT, node2 :$NODE2_PORT, nginx one :$ONE_NGINX two :$TWO_NGINX; database $bench_db; work dir $BENCH_DIR"

key="$(admin POST /admin/customers '{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}' | json_field key)"
[[ -n "$key" ]] || die "cannot create the customer bench"
for port in "$NODE1_PORT" "$NODE2_PORT"; do  # node 2 learns the key through the change feed
  for _ in $(seq 1 100); do
    [[ "$(status "http://127.0.0.1:$port$PATH_UNDER_TEST" "$key")" == 200 ]] && break
    sleep 0.1
  done
done

declare -A URL=(
  [one_direct]="http://127.0.0.1:$NODE1_PORT$PATH_UNDER_TEST"
  [one_nginx]="http://127.0.0.1:$ONE_NGINX$PATH_UNDER_TEST"
  [two_nginx]="http://127.0.0.1:$TWO_NGINX$PATH_UNDER_TEST"
)
TARGETS=(one_direct one_nginx two_nginx)
for t in "${TARGETS[@]}"; do
  got="$(status "${URL[$t]}" "$key")"
  [[ "$got" == 200 ]] || die "$t answers $got, expected 200: $(curl -s "${URL[$t]}" -H "Authorization: Bearer $key")"
done
answered=$(( ${#TARGETS[@]} + 2 ))  # the checks above, and the two that found the nodes ready

log "warm-up: $WARMUP per path, and $WARMUP on node 2 directly (its JIT must be as warm as node 1's)"
for url in "http://127.0.0.1:$NODE2_PORT$PATH_UNDER_TEST" "${URL[one_direct]}" "${URL[one_nginx]}" "${URL[two_nginx]}"; do
  read -r _ _ _ non2xx requests <<<"$(wrk_run "$url" "$key" "$WARMUP")"
  answered=$((answered + requests - non2xx))
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    n1="$(cpu_ticks "$NODE1_PID")" n2="$(cpu_ticks "$NODE2_PID")" ng="$(cpu_ticks $NGINX_PIDS)"
    rd="$(cpu_ticks $REDIS_PID)" start_ns="$(date +%s%N)"
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${URL[$t]}" "$key" "$DURATION")"
    wall_ticks=$(( ($(date +%s%N) - start_ns) * CLK_TCK / 1000000000 ))
    [[ "$non2xx" == 0 ]] || log "round $r $t: $non2xx of $requests answers were not 2xx"
    answered=$((answered + requests - non2xx))
    # CPU per second of the run, in cores: node 1, node 2, nginx, Redis
    echo "$r $t $rps $p50 $p99 $requests $(awk -v a="$(( $(cpu_ticks "$NODE1_PID") - n1 ))" \
      -v b="$(( $(cpu_ticks "$NODE2_PID") - n2 ))" -v c="$(( $(cpu_ticks $NGINX_PIDS) - ng ))" \
      -v d="$(( $(cpu_ticks $REDIS_PID) - rd ))" -v w="$wall_ticks" \
      'BEGIN { printf "%.2f %.2f %.2f %.2f", a / w, b / w, c / w, d / w }') $non2xx" >>"$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms"
  done
done

sleep 1  # the last usage batches reach the store
billed="$(billed_requests bench)"
run_header
echo "wrk -t${WRK_THREADS:-2} -c${WRK_CONNECTIONS:-64} -d$DURATION, $ROUNDS alternating rounds, medians;" \
  "nginx worker_processes ${NGINX_WORKERS:-1}; both nodes on one PostgreSQL$([[ -n "${REDIS:-}" ]] \
    && echo " and one Redis (shared limits)" || echo ", limits per node")"
echo
printf '| %-10s | %8s | %7s | %7s | %12s | %12s | %11s | %11s | %8s |\n' path "req/s" "p50 ms" "p99 ms" \
  "node 1 cores" "node 2 cores" "nginx cores" "redis cores" "non-2xx"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "------------" "----------" "---------" "---------" "--------------" \
  "--------------" "-------------" "-------------" "----------"
for t in "${TARGETS[@]}"; do
  printf '| %-10s | %8.0f | %7.3f | %7.3f | %12s | %12s | %11s | %11s | %8s |\n' "$t" "$(med "$t" 3)" "$(med "$t" 4)" \
    "$(med "$t" 5)" "$(med "$t" 7)" "$(med "$t" 8)" "$(med "$t" 9)" "$(med "$t" 10)" \
    "$(awk -v t="$t" '$2 == t { s += $11 } END { print s + 0 }' "$results")"
done
per_round "${TARGETS[@]}"
echo
echo "Ratios: of the medians above / median of the per-round ratios:"
r() { printf '  %-40s %s / %s\n' "$1" "$(ratio "$(med "$2" "$4")" "$(med "$3" "$4")")" \
  "$(round_ratio "$results" "$2" "$3" "$4")"; }
r "two nodes / one node, both behind nginx" two_nginx one_nginx 3
r "two nodes / one node, p99" two_nginx one_nginx 5
r "one node behind nginx / direct" one_nginx one_direct 3
echo "  metering: customer bench billed for ${billed:-?} requests; wrk counted $answered answers (warm-up included;"
echo "            wrk does not count the up to ${WRK_CONNECTIONS:-64} answers in flight when each run stops)"
failed="$(awk '{ s += $11 } END { print s + 0 }' "$results")"
[[ "$failed" == 0 ]] || die "$failed answers were not 2xx (the table counts them per path); the figures are not comparable"
