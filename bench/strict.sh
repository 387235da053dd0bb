#!/usr/bin/env bash
# Strict metering against batch metering, on SQLite and on PostgreSQL, in the same run: four `tollgate serve`
# processes in front of one engine (nginx answering by itself), each with its own store (a SQLite file in its data
# directory, or a fresh PostgreSQL database dropped at the end), the same customer far above the load, and
# `metering.durability` batch or strict. The four are measured in alternating rounds, so that drift hits them alike;
# one is under load at a time. Every process started here is stopped on exit. Prints a table of medians, the
# strict/batch ratios per store (throughput, p50) and checks the billing: every answer wrk counted is billed (in
# strict mode none may be missing; the usage of at most the answers in flight when a run stops may be extra).
# It also prints each process's usage commits: how many, the mean time of one and the events each carried.
#
#   bench/strict.sh                     3 rounds of 10 s per process, about 4 minutes
#   ROUNDS=5 DURATION=20s bench/strict.sh
#   STORES=sqlite bench/strict.sh       SQLite only (STORES=postgresql: PostgreSQL only)
#   PROFILE=1 bench/strict.sh           then records each strict process under load with JFR for DURATION
#                                       (target/bench-strict-<store>.jfr) and prints where its CPU time goes
#
# Environment: ROUNDS (3), DURATION (10s), WARMUP (20s per process), WRK_THREADS (1), WRK_CONNECTIONS (64),
# STORES (sqlite postgresql), BENCH_PG_URL (the tests' server,
# jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate; its role needs CREATEDB),
# TOLLGATE_JAVA_OPTS (none), BENCH_KEEP=1 keeps the work directory with every log.
# Needs nginx, wrk, curl and, for PostgreSQL, psql and a running server (scripts/test-services.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-20s}"
export WRK_THREADS="${WRK_THREADS:-1}"
export WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
read -r -a STORE_LIST <<<"${STORES:-sqlite postgresql}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"
PG_URL="${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/tollgate?user=tollgate&password=tollgate}"

need_tools
build_jar
open_run strict
[[ " ${STORE_LIST[*]} " != *" postgresql "* ]] || pg_server "$PG_URL"

start_nginx_engine
declare -A URL KEY PID ADMIN
TARGETS=()
for store in "${STORE_LIST[@]}"; do
  for mode in batch strict; do
    t="${store}_$mode"
    case "$store" in
      sqlite) TOLLGATE_ENV="" ;;
      postgresql) pg_create_db "tollgate_strict_$mode"; TOLLGATE_ENV="TOLLGATE_STORE_URL=$PG_DB_URL" ;;
      *) die "STORES holds sqlite and/or postgresql, not $store" ;;
    esac
    DURABILITY="$mode" start_tollgate "$t" "$BENCH_DIR/$t"
    KEY[$t]="$(admin POST /admin/customers "$FAR_CUSTOMER" | json_field key)"
    [[ -n "${KEY[$t]}" ]] || die "$t: cannot create the customer bench"
    URL[$t]="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST" PID[$t]="$TOLLGATE_PID" ADMIN[$t]="$ADMIN_PORT"
    got="$(status "${URL[$t]}" "${KEY[$t]}")"
    [[ "$got" == 200 ]] || die "$t answers $got, expected 200"
    TARGETS+=("$t")
    log "$t: gate :$GATE_PORT, admin :$ADMIN_PORT"
  done
done
declare -A ANSWERED
for t in "${TARGETS[@]}"; do ANSWERED[$t]=1; done  # the status check above

log "warm-up: $WARMUP per process"
for t in "${TARGETS[@]}"; do
  read -r _ _ _ non2xx requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$WARMUP")"
  ANSWERED[$t]=$(( ANSWERED[$t] + requests - non2xx ))
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do
    cpu0="$(cpu_ticks "${PID[$t]}")"
    read -r rps p50 p99 non2xx requests <<<"$(wrk_run "${URL[$t]}" "${KEY[$t]}" "$DURATION")"
    cpu_us=$(( ($(cpu_ticks "${PID[$t]}") - cpu0) * 1000000 / CLK_TCK / requests ))
    ANSWERED[$t]=$(( ANSWERED[$t] + requests - non2xx ))
    echo "$r $t $rps $p50 $p99 $requests $cpu_us $non2xx" >>"$results"
    log "round $r $t: $rps req/s, p50 $p50 ms, p99 $p99 ms, $non2xx not 2xx"
  done
done

sleep 1  # the last batch-mode usage reaches the store
run_header
echo "wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$DURATION, $ROUNDS alternating rounds, medians; engine: nginx return 200;" \
  "one Tollgate process per store and mode, the same customer; PostgreSQL: ${pg_host:-not measured}"
echo
printf '| %-17s | %8s | %7s | %7s | %11s | %7s |\n' process "req/s" "p50 ms" "p99 ms" "CPU us/req" "non-2xx"
printf '|%s|%s|%s|%s|%s|%s|\n' "-------------------" "----------" "---------" "---------" "-------------" "---------"
for t in "${TARGETS[@]}"; do
  printf '| %-17s | %8.0f | %7.3f | %7.3f | %11s | %7s |\n' "$t" "$(med "$t" 3)" "$(med "$t" 4)" "$(med "$t" 5)" \
    "$(med "$t" 7)" "$(awk -v t="$t" '$2 == t { s += $8 } END { print s + 0 }' "$results")"
done
per_round "${TARGETS[@]}"
echo
echo "Ratios: of the medians above / median of the per-round ratios [aim]:"
failed=0
for store in "${STORE_LIST[@]}"; do
  printf '  %-36s %s / %s   %s\n' "$store strict / batch throughput" \
    "$(ratio "$(med "${store}_strict" 3)" "$(med "${store}_batch" 3)")" \
    "$(round_ratio "$results" "${store}_strict" "${store}_batch" 3)" "[>= 0.8]"
  printf '  %-36s %s ms\n' "$store strict - batch p50" \
    "$(awk -v a="$(med "${store}_strict" 4)" -v b="$(med "${store}_batch" 4)" 'BEGIN { printf "%+.3f", a - b }')"
done
commits=()
echo "Billing (wrk counts the 2xx answers it saw; up to $WRK_CONNECTIONS more per run were in flight when it stopped):"
for t in "${TARGETS[@]}"; do
  ADMIN_PORT="${ADMIN[$t]}"
  billed="$(billed_requests bench)"
  echo "  $t: billed ${billed:-?} requests, wrk counted ${ANSWERED[$t]} answers"
  commits+=("$t $(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '
    /^tollgate_metering_flush_seconds_count/ { n = $2 } /^tollgate_metering_flush_seconds_sum/ { s = $2 }
    /^tollgate_metering_flushed_events_total/ { e = $2 }
    END { if (n > 0) printf "%d commits, %.2f ms a commit, %.1f events a commit", n, s * 1000 / n, e / n }')")
  if [[ "$t" == *_strict ]] && (( ${billed:-0} < ANSWERED[$t] )); then
    log "$t: fewer requests billed than answered: strict metering lost usage"
    failed=1
  fi
done

echo "Usage commits (tollgate_metering_flush_seconds and _flushed_events_total, warm-up included):"
for c in "${commits[@]}"; do echo "  $c"; done

if [[ -n "${PROFILE:-}" ]]; then
  for store in "${STORE_LIST[@]}"; do
    t="${store}_strict"
    echo
    echo "$t:"
    jfr_profile "${PID[$t]}" "${URL[$t]}" "${KEY[$t]}" "$bench_root/target/bench-strict-$store.jfr" \
      BatchingUsageRecorder.record Flusher.run JdbiUsageStore.apply CompletableFuture.orTimeout \
      ContextInternal.runOnContext
  done
fi
(( failed == 0 )) || die "strict metering billed fewer requests than were answered"
