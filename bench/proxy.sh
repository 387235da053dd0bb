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
#   PEERS=vertx,membrane,scg bench/proxy.sh
#                                       adds peers to the same rounds (bench/peers/, each built on demand): vertx,
#                                       Vert.x 5.0.7's own vertx-http-proxy with no policy at all (the bare stack);
#                                       netty, a bare Netty 4.2 HTTP/1.1 proxy, no policy (bench/peers/netty);
#                                       membrane, Membrane 4.9.1; scg, Spring Cloud Gateway 5.0 on Spring Boot 4.0,
#                                       the last two with an API-key check and a per-key rate limit that never refuses
#   OPEN_LOOP=1 bench/proxy.sh          then an open-loop pass (bench/openloop/): every 200 path at one fixed rate,
#                                       OPEN_FRACTION (0.5) of nginx's median rate in the rounds above, p50/p99/p99.9
#                                       from each request's intended send time
#
# Fair by default: nginx gets as many worker processes as Tollgate has event loops (2), and the engine is an nginx
# that answers by itself (`return 200`), so that neither proxy waits on it: the ratios below include the engine's
# direct rate against each proxy's (at least 2, or the engine is the limit).
#
# Environment: ROUNDS (3), DURATION (10s), WARMUP (10s per path), WARMUP_TOLLGATE (25s: its JIT needs longer on a
# busy 2-core machine; the refusal paths run in the same JVM), WRK_THREADS (1), WRK_CONNECTIONS (32), NGINX_WORKERS
# (2, Tollgate's event loops), ENGINE (nginx; java: Tollgate's own one-loop bench engine, ENGINE_LOOPS of them),
# ENGINE_WORKERS (1), TOLLGATE_JAVA_OPTS (none), DURABILITY (batch; strict measures strict metering), TG_DELAY_MS
# (paced load: each connection waits that long after an answer; closed loop all the same), BENCH_KEEP=1 keeps the
# work directory with every log. PEERS (none), PEER_LOOPS (NGINX_WORKERS: the peers' event loops), PEER_JAVA_OPTS
# (none), PEER_WAIT_S (180: a peer's start on a busy machine). OPEN_LOOP (off), OPEN_FRACTION (0.5), OPEN_DURATION
# (DURATION), OPEN_WARMUP (5s per path), OPEN_ROUNDS (ROUNDS), OPEN_CONNECTIONS (WRK_CONNECTIONS).
# Needs nginx, wrk and curl (scripts/test-services.sh installs nginx and wrk).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/peers/lib.sh"

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
peers_parse
PEER_LOOPS="${PEER_LOOPS:-$NGINX_WORKERS}"
OPEN_CONNECTIONS="${OPEN_CONNECTIONS:-$WRK_CONNECTIONS}"

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
far_customer_key() {
  admin POST /admin/customers '{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}' | json_field key
}
# the variants (TOLLGATE_VARIANTS): each a gate of its own with a customer like bench's, then back to the main gate
VARIANTS=()
declare -A VARIANT_PORT=() VARIANT_PID=() VARIANT_KEY=() VARIANT_OPTS=()
if [[ -n "${TOLLGATE_VARIANTS:-}" ]]; then
  main_gate=("$GATE_PORT" "$ADMIN_PORT" "$TOLLGATE_PID")
  IFS='|' read -r -a variant_specs <<<"$TOLLGATE_VARIANTS"
  for spec in "${variant_specs[@]}"; do
    v="${spec%%=*}"
    [[ "$spec" == *=* && "$v" =~ ^[a-z0-9]+$ ]] || die "TOLLGATE_VARIANTS: expected NAME=OPTIONS, got '$spec'"
    VARIANT_OPTS[$v]="${spec#*=}"
    TOLLGATE_JAVA_OPTS="${TOLLGATE_JAVA_OPTS:-} ${VARIANT_OPTS[$v]}" start_tollgate "tollgate_$v" "$BENCH_DIR/data-$v"
    VARIANT_PORT[$v]="$GATE_PORT" VARIANT_PID[$v]="$TOLLGATE_PID"
    VARIANT_KEY[$v]="$(far_customer_key)"
    [[ -n "${VARIANT_KEY[$v]}" ]] || die "cannot create the customer bench on tollgate_$v"
    VARIANTS+=("tollgate_$v")
    log "variant tollgate_$v :$GATE_PORT (${VARIANT_OPTS[$v]})"
  done
  GATE_PORT="${main_gate[0]}" ADMIN_PORT="${main_gate[1]}" TOLLGATE_PID="${main_gate[2]}"
fi

key="$(far_customer_key)"
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
for t in ${VARIANTS[@]+"${VARIANTS[@]}"}; do
  v="${t#tollgate_}"
  URL[$t]="http://127.0.0.1:${VARIANT_PORT[$v]}$PATH_UNDER_TEST"
  KEY[$t]="${VARIANT_KEY[$v]}"
  PROXY_PIDS[$t]="${VARIANT_PID[$v]}"
  WANT[$t]=200
done
for p in "${PEERS_RUN[@]}"; do
  start_peer "$p" "$key"
  URL[$p]="http://127.0.0.1:${PEER_PORT[$p]}$PATH_UNDER_TEST"
  KEY[$p]="$key"
  PROXY_PIDS[$p]="${PEER_PID[$p]}"
  WANT[$p]=200
  # the key check is on: a revoked Tollgate key is unknown to the peer
  if [[ $p != vertx && $p != netty ]]; then
    got="$(status "${URL[$p]}" "$wrong")"
    [[ "$got" == 401 ]] || die "$p answers $got to an unknown key, expected 401"
  fi
  log "peer $p :${PEER_PORT[$p]}"
done
TARGETS=(engine nginx tollgate ${VARIANTS[@]+"${VARIANTS[@]}"} ${PEERS_RUN[@]+"${PEERS_RUN[@]}"} refused_401 refused_429)

for t in "${TARGETS[@]}"; do
  got="$(status "${URL[$t]}" "${KEY[$t]}")"
  [[ "$got" == "${WANT[$t]}" ]] || die "$t answers $got, expected ${WANT[$t]}"
done

# the JVMs (Tollgate and the peers) get the longer warm-up
jvm_target() { [[ $1 == tollgate* || -n "${PEER_PID[$1]:-}" ]]; }
log "warm-up: $WARMUP per path, $WARMUP_TOLLGATE for tollgate${PEERS_RUN[*]:+ and each peer}"
warm_billable=1  # the status check of the tollgate path above
for t in "${TARGETS[@]}"; do
  read -r _ _ _ _ requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$(jvm_target "$t" && echo "$WARMUP_TOLLGATE" || echo "$WARMUP")")"
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
for p in "${PEERS_RUN[@]}"; do
  echo "peer $p: $(peer_said "$p")"
done
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
for t in ${VARIANTS[@]+"${VARIANTS[@]}"}; do
  r "$t / tollgate throughput" "$t" tollgate 3 "[${VARIANT_OPTS[${t#tollgate_}]}]"
  r "$t / tollgate CPU per request" "$t" tollgate 7 ""
  r "$t / tollgate p99" "$t" tollgate 5 ""
done
for p in "${PEERS_RUN[@]}"; do
  if [[ $p == vertx ]]; then
    r "tollgate / bare vertx throughput" tollgate vertx 3 "[>= 0.91: at most 10 % over the bare proxy]"
    r "tollgate / bare vertx CPU per request" tollgate vertx 7 "[<= 1.1]"
    r "bare vertx / nginx throughput" vertx nginx 3 ""
  elif [[ $p == netty ]]; then
    if [[ " ${PEERS_RUN[*]} " == *" vertx "* ]]; then
      r "bare netty / bare vertx throughput" netty vertx 3 "[what Vert.x's HTTP server and client cost]"
      r "bare netty / bare vertx CPU per request" netty vertx 7 ""
    fi
    r "bare netty / nginx throughput" netty nginx 3 ""
    r "bare netty / nginx CPU per request" netty nginx 7 ""
    r "tollgate / bare netty throughput" tollgate netty 3 ""
    r "tollgate / bare netty CPU per request" tollgate netty 7 ""
  else
    r "tollgate / $p throughput" tollgate "$p" 3 "[> 1: ahead of every peer]"
    r "tollgate / $p p99" tollgate "$p" 5 "[< 1]"
    r "$p / nginx throughput" "$p" nginx 3 ""
  fi
done
answered="$(awk -v w="$warm_billable" '$2 == "tollgate" { s += $6 } END { print s + w }' "$results")"
echo "  metering: customer bench billed for ${billed:-?} requests; wrk counted $answered answers (warm-up included;"
echo "            wrk does not count the up to $WRK_CONNECTIONS answers in flight when each run stops)"

if [[ -n "${OPEN_LOOP:-}" ]]; then
  # Open loop: one fixed rate for every 200 path, from nginx's capacity as measured in the rounds above.
  nginx_rps="$(med nginx 3)"
  rate="$(awk -v n="$nginx_rps" -v f="${OPEN_FRACTION:-0.5}" 'BEGIN { printf "%d", n * f }')"
  open_rounds="${OPEN_ROUNDS:-$ROUNDS}"
  open_duration="${OPEN_DURATION:-$DURATION}"
  OPEN_TARGETS=(engine nginx tollgate ${VARIANTS[@]+"${VARIANTS[@]}"} ${PEERS_RUN[@]+"${PEERS_RUN[@]}"})
  start_openloop
  log "open loop: $rate req/s (${OPEN_FRACTION:-0.5} of nginx's median $nginx_rps), warm-up ${OPEN_WARMUP:-5s} per path"
  for t in "${OPEN_TARGETS[@]}"; do
    openloop_run "${URL[$t]}" "${KEY[$t]}" "${OPEN_WARMUP:-5s}" "$rate" >/dev/null
  done
  open_load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  results="$BENCH_DIR/open-results.txt"  # med and the ratios below read the open-loop rounds from here on
  : >"$results"
  for r in $(seq 1 "$open_rounds"); do
    for t in "${OPEN_TARGETS[@]}"; do
      proxy0="$(cpu_ticks ${PROXY_PIDS[$t]})" engine0="$(cpu_ticks $ENGINE_PID)"
      read -r rps p50 p99 non2xx requests errors p999 late <<<"$(openloop_run "${URL[$t]}" "${KEY[$t]}" "$open_duration" "$rate")"
      proxy_us=$(( ($(cpu_ticks ${PROXY_PIDS[$t]}) - proxy0) * 1000000 / CLK_TCK / (requests > 0 ? requests : 1) ))
      engine_us=$(( ($(cpu_ticks $ENGINE_PID) - engine0) * 1000000 / CLK_TCK / (requests > 0 ? requests : 1) ))
      [[ "$non2xx" == 0 ]] || die "open loop, $t: $non2xx of $requests answers were >= 400"
      echo "$r $t $rps $p50 $p99 $requests $proxy_us $engine_us $p999 $errors $late" >>"$results"
      log "open loop round $r $t: $rps req/s of $rate, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, $errors errors"
    done
  done
  echo
  echo "Open loop: $rate req/s offered to every path (${OPEN_FRACTION:-0.5} x nginx's median $nginx_rps req/s above)," \
    "$OPEN_CONNECTIONS connections at most, $open_duration per run, $open_rounds alternating rounds, medians;" \
    "bench/openloop (one event loop; latency from each request's intended send time). Load average before this" \
    "pass: $open_load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  printf '| %-12s | %10s | %8s | %8s | %9s | %16s | %6s | %13s |\n' path "req/s" "p50 ms" "p99 ms" "p99.9 ms" \
    "proxy CPU us/req" errors "gen. late ms"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "--------------" "------------" "----------" "----------" "-----------" \
    "------------------" "--------" "---------------"
  for t in "${OPEN_TARGETS[@]}"; do
    printf '| %-12s | %10.0f | %8.3f | %8.3f | %9.3f | %16s | %6s | %13.1f |\n' "$t" "$(med "$t" 3)" "$(med "$t" 4)" \
      "$(med "$t" 5)" "$(med "$t" 9)" "$([[ $t == engine ]] && echo - || med "$t" 7)" "$(med "$t" 10)" "$(med "$t" 11)"
  done
  ROUNDS="$open_rounds" PER_ROUND_COLUMN=5 PER_ROUND_LABEL="p99 ms" per_round "${OPEN_TARGETS[@]}"
  echo
  echo "Ratios at equal offered load: of the medians above / median of the per-round ratios [aim]:"
  r "tollgate / nginx p99" tollgate nginx 5 "[<= 1.5]"
  r "tollgate / nginx p50" tollgate nginx 4 ""
  r "tollgate / nginx p99.9" tollgate nginx 9 ""
  for t in ${VARIANTS[@]+"${VARIANTS[@]}"}; do
    r "$t / tollgate p99" "$t" tollgate 5 "[${VARIANT_OPTS[${t#tollgate_}]}]"
    r "$t / tollgate p99.9" "$t" tollgate 9 ""
    r "$t / tollgate CPU per request" "$t" tollgate 7 ""
    r "$t / nginx p99" "$t" nginx 5 ""
  done
  for p in "${PEERS_RUN[@]}"; do
    r "tollgate / $p p99" tollgate "$p" 5 "$([[ $p == vertx || $p == netty ]] && echo "" || echo "[< 1]")"
    r "$p / nginx p99" "$p" nginx 5 ""
  done
fi

if [[ -n "${PROFILE:-}" ]]; then
  jfr_profile "$TOLLGATE_PID" "${URL[tollgate]}" "$key" "$bench_root/target/bench-proxy.jfr" HttpClientImpl.request \
    Http1xServerConnection.handleMessage Http1xClientConnection.handleMessage Mac.getInstance Pattern.compile \
    HeadersMultiMap.addAll
fi
