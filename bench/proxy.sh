#!/usr/bin/env bash
# Proxy benchmark: the same engine reached directly, through nginx (plain proxy_pass, keep-alive upstream) and
# through Tollgate with every check on (a real key, rate limit and quota far above the load, metering in batch
# mode); then Tollgate's refusal path (a wrong key: 401; a rate-limited key: 429) against its proxied path.
# Everything on 127.0.0.1; the paths are measured in alternating rounds so that drift hits them alike; every
# process started here is stopped on exit. Prints a table of medians and the ratios (see docs/performance.md).
#
#   bench/proxy.sh                      3 rounds of 10 s per path, about 4 minutes
#   ROUNDS=5 DURATION=20s bench/proxy.sh
#   PROFILE=1 bench/proxy.sh            then records Tollgate under load with JFR for DURATION
#                                       (target/bench-proxy.jfr) and prints where its CPU time goes
#
# Fair by default: nginx gets as many worker processes as Tollgate has event loops (2), and the engine is an nginx
# that answers by itself (`return 200`), so that neither proxy waits on it: the ratios below include the engine's
# direct rate against each proxy's (at least 2, or the engine is the limit).
#
# Environment: ROUNDS (3), DURATION (10s), WARMUP (10s per path), WARMUP_TOLLGATE (25s: its JIT needs longer on a
# busy 2-core machine; the refusal paths run in the same JVM), WRK_THREADS (1), WRK_CONNECTIONS (32), NGINX_WORKERS
# (2, Tollgate's event loops), ENGINE (nginx; java: Tollgate's own one-loop bench engine, ENGINE_LOOPS of them),
# ENGINE_WORKERS (1), TOLLGATE_JAVA_OPTS (none), DURABILITY (batch; strict measures strict metering), TG_DELAY_MS
# (paced load: each connection waits that long after an answer; for p99 at equal offered load), BENCH_KEEP=1 keeps
# the work directory with every log.
# Needs nginx, wrk and curl (scripts/test-services.sh installs nginx and wrk).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
export WRK_THREADS="${WRK_THREADS:-1}"
export WRK_CONNECTIONS="${WRK_CONNECTIONS:-32}"
export NGINX_WORKERS="${NGINX_WORKERS:-2}"
ENGINE="${ENGINE:-nginx}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-10s}"
WARMUP_TOLLGATE="${WARMUP_TOLLGATE:-25s}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"

need_tools
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-bench.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$ENGINE" in
  nginx) start_nginx_engine ;;
  java) start_bench_engine ;;
  *) die "ENGINE must be nginx or java, not $ENGINE" ;;
esac
start_nginx
start_tollgate tollgate "$BENCH_DIR/data"
log "engine :$ENGINE_PORT, nginx :$NGINX_PORT, tollgate :$GATE_PORT (admin :$ADMIN_PORT); work dir $BENCH_DIR"

key="$(admin POST /admin/customers '{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}' | json_field key)"
[[ -n "$key" ]] || die "cannot create the customer bench"
wrong_json="$(admin POST /admin/customers/bench/keys '{"name":"revoked"}')"
wrong="$(echo "$wrong_json" | json_field key)"
admin DELETE "/admin/customers/bench/keys/$(echo "$wrong_json" | json_field key_id)" >/dev/null
limited="$(admin POST /admin/customers '{"customer_id":"limited","limits":{"rate_limit":{"requests":1,"window_s":86400}}}' \
  | json_field key)"
[[ -n "$wrong" && -n "$limited" ]] || die "cannot create the refused keys"
status "http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST" "$limited" >/dev/null  # spends its one request

declare -A URL=(
  [engine]="http://127.0.0.1:$ENGINE_PORT$PATH_UNDER_TEST"
  [nginx]="http://127.0.0.1:$NGINX_PORT$PATH_UNDER_TEST"
  [tollgate]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
  [refused_401]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
  [refused_429]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
)
declare -A KEY=([engine]="" [nginx]="" [tollgate]="$key" [refused_401]="$wrong" [refused_429]="$limited")
declare -A PROXY_PIDS=([engine]="" [nginx]="$NGINX_PIDS" [tollgate]="$TOLLGATE_PID" [refused_401]="$TOLLGATE_PID"
  [refused_429]="$TOLLGATE_PID")
declare -A WANT=([engine]=200 [nginx]=200 [tollgate]=200 [refused_401]=401 [refused_429]=429)
TARGETS=(engine nginx tollgate refused_401 refused_429)

for t in "${TARGETS[@]}"; do
  got="$(status "${URL[$t]}" "${KEY[$t]}")"
  [[ "$got" == "${WANT[$t]}" ]] || die "$t answers $got, expected ${WANT[$t]}"
done

log "warm-up: $WARMUP per path, $WARMUP_TOLLGATE for tollgate"
warm_billable=1  # the status check of the tollgate path above
for t in "${TARGETS[@]}"; do
  read -r _ _ _ _ requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$([[ $t == tollgate ]] && echo "$WARMUP_TOLLGATE" || echo "$WARMUP")")"
  [[ $t == tollgate ]] && warm_billable=$((warm_billable + requests))
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    proxy0="$(cpu_ticks ${PROXY_PIDS[$t]})" engine0="$(cpu_ticks $ENGINE_PID)"
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$DURATION")"
    proxy_us=$(( ($(cpu_ticks ${PROXY_PIDS[$t]}) - proxy0) * 1000000 / CLK_TCK / requests ))
    engine_us=$(( ($(cpu_ticks $ENGINE_PID) - engine0) * 1000000 / CLK_TCK / requests ))
    if [[ "${WANT[$t]}" == 200 && "$non2xx" != 0 ]] || [[ "${WANT[$t]}" != 200 && "$non2xx" != "$requests" ]]; then
      die "$t: $non2xx of $requests answers were >= 400, expected $([[ ${WANT[$t]} == 200 ]] && echo none || echo all)"
    fi
    echo "$r $t $rps $p50 $p99 $requests $proxy_us $engine_us" >>"$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms"
  done
done

sleep 1  # the last usage batch reaches the store
billed="$(billed_requests bench)"
run_header
echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$DURATION${TG_DELAY_MS:+ paced $TG_DELAY_MS ms}, $ROUNDS alternating rounds, medians;" \
  "nginx worker_processes $NGINX_WORKERS; Tollgate $(tollgate_said 'with [0-9]* event loops'), $(tollgate_said \
  'transport [a-z]* ([^)]*)'); engine: $ENGINE"
echo
printf '| %-12s | %10s | %8s | %8s | %14s | %15s |\n' path "req/s" "p50 ms" "p99 ms" "proxy CPU us/req" \
  "engine CPU us/req"
printf '|%s|%s|%s|%s|%s|%s|\n' "--------------" "------------" "----------" "----------" "------------------" \
  "-------------------"
for t in "${TARGETS[@]}"; do
  printf '| %-12s | %10.0f | %8.3f | %8.3f | %16s | %17s |\n' "$t" "$(med "$t" 3)" "$(med "$t" 4)" "$(med "$t" 5)" \
    "$([[ $t == engine ]] && echo - || med "$t" 7)" "$(med "$t" 8)"
done
per_round "${TARGETS[@]}"
echo
echo "Ratios: of the medians above / median of the per-round ratios [aim]:"
r() { printf '  %-36s %s / %s   %s\n' "$1" "$(ratio "$(med "$2" "$4")" "$(med "$3" "$4")")" \
  "$(round_ratio "$results" "$2" "$3" "$4")" "$5"; }
r "tollgate / nginx throughput" tollgate nginx 3 "[>= 0.85, goal 1.0]"
r "tollgate / nginx p99" tollgate nginx 5 "[<= 1.5]"
r "tollgate / nginx p50" tollgate nginx 4 ""
r "engine direct / nginx throughput" engine nginx 3 "[>= 2: the engine is not the limit]"
r "engine direct / tollgate throughput" engine tollgate 3 "[>= 2]"
r "tollgate / engine direct throughput" tollgate engine 3 ""
r "tollgate / nginx CPU per request" tollgate nginx 7 "[<= 1.3]"
r "refusal 401 / proxied throughput" refused_401 tollgate 3 "[>= 2]"
r "refusal 429 / proxied throughput" refused_429 tollgate 3 "[>= 2]"
answered="$(awk -v w="$warm_billable" '$2 == "tollgate" { s += $6 } END { print s + w }' "$results")"
echo "  metering: customer bench billed for ${billed:-?} requests; wrk counted $answered answers (warm-up included;"
echo "            wrk does not count the up to $WRK_CONNECTIONS answers in flight when each run stops)"

if [[ -n "${PROFILE:-}" ]]; then
  jfr_file="$bench_root/target/bench-proxy.jfr"
  log "profiling Tollgate under load for $DURATION (JFR) into $jfr_file"
  "$JAVA_HOME/bin/jcmd" "$TOLLGATE_PID" JFR.start name=bench settings=profile 'jdk.ExecutionSample#period=1ms' \
    >/dev/null
  wrk_run "${URL[tollgate]}" "$key" "$DURATION" >/dev/null
  "$JAVA_HOME/bin/jcmd" "$TOLLGATE_PID" JFR.stop name=bench filename="$jfr_file" >/dev/null
  echo
  "$bench_root/bench/jfr-summary.sh" "$jfr_file" 25 HttpClientImpl.request Http1xServerConnection.handleMessage \
    Http1xClientConnection.handleMessage Mac.getInstance Pattern.compile HeadersMultiMap.addAll
fi
