#!/usr/bin/env bash
# Soak: `tollgate serve` in front of the bench engine for a long time at about half its measured capacity, with
# registry churn, watching for anything that grows. Steps:
#   1. warm-up (closed loop, WARMUP), then capacity: wrk -c$WRK_CONNECTIONS closed loop for CAPACITY_S seconds;
#   2. the soak: back-to-back wrk runs of INTERVAL_S seconds each at half that rate (paced by bench/wrk-auth.lua's
#      TG_DELAY_MS, since Debian's wrk has no -R; the pause is corrected after each run toward the target rate);
#      meanwhile, through the Admin API (curl): every second a key is created and the key created CHURN_KEEP
#      seconds before revoked, each checked once at the gate (200, then 401); every 10 s the load customer's tier
#      changes (its limit overrides keep the load admitted); every 60 s a registry reload;
#   3. in the middle of every run: heap after a full GC (`jcmd PID GC.run` then `GC.heap_info`), open file
#      descriptors (/proc/PID/fd), threads (/proc/PID/status), resident memory; after it, its rate and p99;
#      one CSV row per run (SOAK_CSV, default target/soak.csv);
#   4. a least-squares slope per series over the second half of the run, with its standard error. A series fails
#      when its slope is beyond noise AND material: t = slope / SE > 3, the extrapolated growth per hour above its
#      limit, and the fitted growth over the fitted window above a floor (so one step of one descriptor in a short
#      run is no leak). Limits: heap 32 MiB/h (floor 2 MiB), descriptors and threads 20/h (floor 3), p99 +100 % of
#      the first half's median per hour (floor +25 %). It also fails on any load answer >= 400 or socket error, a
#      churn check that did not answer as expected, or a gate that died.
# Everything on 127.0.0.1; every process started here is stopped on exit. See docs/performance.md.
#
#   bench/soak.sh                  1 hour (plus about 40 s of warm-up and capacity)
#   bench/soak.sh --smoke          2 minutes: the same steps, a short fit (for the script itself, not for leaks)
#   bench/soak.sh --duration 20m
#
# Environment: DURATION (1h; --duration/--smoke win), INTERVAL_S (10), WARMUP (20s), CAPACITY_S (10), LOAD_SHARE
# (0.5 of capacity), WRK_THREADS (2), WRK_CONNECTIONS (64), CHURN_KEEP (5), SOAK_CSV (target/soak.csv), the limits
# HEAP_MIB_PER_H (32), FDS_PER_H (20), THREADS_PER_H (20), P99_PCT_PER_H (100), TOLLGATE_JAVA_OPTS (none),
# SOAK_RATE (a fixed target in req/s instead of LOAD_SHARE of capacity), BENCH_KEEP=1 keeps the work directory
# with every log. Needs wrk, curl and the JDK's jcmd.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION="${DURATION:-1h}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) DURATION=2m; shift ;;
    --duration) DURATION="${2:?--duration needs a value: 1h, 20m, 90s}"; shift 2 ;;
    *) die "unknown argument $1 (usage: bench/soak.sh [--duration 1h|20m|90s] [--smoke])" ;;
  esac
done
case "$DURATION" in
  *h) DURATION_S=$(( ${DURATION%h} * 3600 )) ;;
  *m) DURATION_S=$(( ${DURATION%m} * 60 )) ;;
  *s) DURATION_S=${DURATION%s} ;;
  *) DURATION_S=$DURATION ;;
esac
INTERVAL_S="${INTERVAL_S:-10}"
WARMUP="${WARMUP:-20s}"
CAPACITY_S="${CAPACITY_S:-10}"
LOAD_SHARE="${LOAD_SHARE:-0.5}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-64}"
CHURN_KEEP="${CHURN_KEEP:-5}"
SOAK_CSV="${SOAK_CSV:-target/soak.csv}"
PATH_UNDER_TEST=/v1/default/serve/soak
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"
INTERVALS=$(( DURATION_S / INTERVAL_S ))
(( INTERVALS >= 6 )) || die "DURATION $DURATION gives $INTERVALS runs of ${INTERVAL_S} s; at least 6 are needed for a fit"

command -v wrk >/dev/null 2>&1 || die "wrk is missing: run scripts/test-services.sh (as root)"
command -v curl >/dev/null 2>&1 || die "curl is missing"
JCMD="$JAVA_HOME/bin/jcmd"
[[ -x "$JCMD" ]] || die "jcmd is missing from $JAVA_HOME"
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-soak.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
[[ "$SOAK_CSV" == /* ]] || SOAK_CSV="$bench_root/$SOAK_CSV"
mkdir -p "$(dirname "$SOAK_CSV")"

start_bench_engine
start_tollgate tollgate "$BENCH_DIR/data"
log "engine :$ENGINE_PORT, tollgate :$GATE_PORT (admin :$ADMIN_PORT) pid $TOLLGATE_PID; work dir $BENCH_DIR"
url="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"
key="$(admin POST /admin/customers '{"customer_id":"soak","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}' | json_field key)"
[[ -n "$key" ]] || die "cannot create the customer soak"
admin POST /admin/customers '{"customer_id":"churn"}' | grep -q '"customer_id":"churn"' || die "cannot create churn"
[[ "$(status "$url" "$key")" == 200 ]] || die "the soak key is not admitted"

# --- 1. capacity
log "warm-up $WARMUP, then capacity over ${CAPACITY_S} s (closed loop, $WRK_CONNECTIONS connections)"
wrk_run "$url" "$key" "$WARMUP" >/dev/null
read -r capacity cap_p50 cap_p99 cap_non2xx _ <<<"$(wrk_run "$url" "$key" "${CAPACITY_S}s")"
[[ "$cap_non2xx" == 0 ]] || die "capacity run: $cap_non2xx answers >= 400"
target=$(awk -v c="$capacity" -v s="$LOAD_SHARE" 'BEGIN { printf "%.0f", c * s }')
# A fixed rate instead (SOAK_RATE), for a machine whose capacity moves during the run (shared cores).
[[ -z "${SOAK_RATE:-}" ]] || target="$SOAK_RATE"
# A connection's cycle is its pause plus the answer's latency; start from the capacity run's median latency.
pause=$(awk -v n="$WRK_CONNECTIONS" -v r="$target" -v l="$cap_p50" 'BEGIN { p = n * 1000 / r - l; printf "%.3f", p < 0 ? 0 : p }')
log "capacity $capacity req/s (p50 $cap_p50 ms, p99 $cap_p99 ms); soak target $target req/s, initial pause $pause ms"

# --- 2. churn, in the background
# Runs in its own subshell without -e: a failed call is written down (and judged at the end), not fatal.
churn_loop() {
  set +e
  local t0 i now ms out kid secret ids=() secrets=() tier=growth
  t0=$(date +%s%N)
  for ((i = 1; ; i++)); do
    out="$(admin POST /admin/customers/churn/keys "{\"name\":\"churn-$i\"}")"
    kid="$(echo "$out" | json_field key_id)" secret="$(echo "$out" | json_field key)"
    echo "$i create ${kid:-none} $(status "$url" "$secret")" >>"$BENCH_DIR/churn.txt"
    ids+=("$kid") secrets+=("$secret")
    if (( ${#ids[@]} > CHURN_KEEP )); then
      out="$(admin DELETE "/admin/customers/churn/keys/${ids[0]}" | json_field status)"
      echo "$i revoke ${ids[0]} $out $(status "$url" "${secrets[0]}")" >>"$BENCH_DIR/churn.txt"
      ids=("${ids[@]:1}") secrets=("${secrets[@]:1}")
    fi
    if (( i % 10 == 0 )); then
      tier=$([[ $tier == growth ]] && echo scale || echo growth)
      echo "$i tier $tier $(admin PATCH /admin/customers/soak "{\"tier\":\"$tier\"}" | json_field tier)" \
        >>"$BENCH_DIR/churn.txt"
    fi
    if (( i % 60 == 0 )); then
      echo "$i reload - $(admin POST /admin/registry/reload | json_field status)" >>"$BENCH_DIR/churn.txt"
    fi
    now=$(date +%s%N)
    ms=$(( (t0 + i * 1000000000 - now) / 1000000 ))
    if (( ms > 0 )); then sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"; fi
  done
}
spawn churn churn_loop
CHURN_PID="$SPAWNED"

# --- 3. the soak
heap_after_gc_mib() {
  printf 'GC.run\nGC.heap_info\n' >"$BENCH_DIR/jcmd.txt"
  "$JCMD" "$TOLLGATE_PID" -f "$BENCH_DIR/jcmd.txt" 2>&1 | tee -a "$BENCH_DIR/jcmd.log" \
    | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n1 | awk '{ printf "%.2f", $1 / 1024 }'
}
echo "t_s,rate_rps,p50_ms,p99_ms,non2xx,socket_errors,pause_ms,heap_after_gc_mib,fds,threads,rss_mib" >"$SOAK_CSV"
log "soak: $INTERVALS runs of ${INTERVAL_S} s; CSV $SOAK_CSV"
soak_t0=$(date +%s.%N)
load_errors=0
for i in $(seq 1 "$INTERVALS"); do
  kill -0 "$TOLLGATE_PID" 2>/dev/null || die "the gate died; its log:"$'\n'"$(tail -n 30 "$BENCH_DIR/tollgate.log")"
  out="$BENCH_DIR/run-$i.txt"
  TG_DELAY_MS="$pause" wrk_run "$url" "$key" "${INTERVAL_S}s" >"$out" &
  wrk_pid=$!
  sleep "$(( INTERVAL_S / 2 ))"
  t=$(awk -v a="$soak_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  fds=$(ls "/proc/$TOLLGATE_PID/fd" 2>/dev/null | wc -l || true)
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$TOLLGATE_PID/status")
  rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$TOLLGATE_PID/status")
  heap=$(heap_after_gc_mib || true)
  [[ -n "$heap" ]] || die "jcmd gave no heap figure; see $BENCH_DIR/jcmd.log"
  wait "$wrk_pid" || die "wrk failed in run $i"
  read -r rps p50 p99 non2xx _ <<<"$(cat "$out")"
  [[ -n "${p99:-}" ]] || die "run $i gave no figures"
  sockerr=$(awk '/^BENCH / { v = $7 } END { sub("socket_errors=", "", v); print v + 0 }' "$BENCH_DIR/wrk.log")
  load_errors=$(( load_errors + non2xx + sockerr ))
  echo "$t,$rps,$p50,$p99,$non2xx,$sockerr,$pause,$heap,$fds,$threads,$rss" >>"$SOAK_CSV"
  log "run $i/$INTERVALS t=${t}s: $rps req/s p99 $p99 ms, heap $heap MiB, fds $fds, threads $threads, rss $rss MiB"
  # Toward the target: the cycle a connection needs minus the one it had (half the error, to avoid overshoot).
  pause=$(awk -v p="$pause" -v n="$WRK_CONNECTIONS" -v r="$target" -v a="$rps" \
    'BEGIN { p += 0.5 * (n * 1000 / r - n * 1000 / a); printf "%.3f", p < 0 ? 0 : p }')
done
kill -TERM "$CHURN_PID" 2>/dev/null || true

# --- 4. results
churn="$BENCH_DIR/churn.txt"
created_n=$(awk '$2 == "create"' "$churn" | wc -l)
churn_s=$(awk -v a="$soak_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
revoked_n=$(awk '$2 == "revoke" && $4 == "revoked"' "$churn" | wc -l)
refused_n=$(awk '$2 == "revoke" && $5 == 401' "$churn" | wc -l)
tiers_n=$(awk '$2 == "tier" && $3 == $4' "$churn" | wc -l)
reloads_n=$(awk '$2 == "reload" && $4 == "reloaded"' "$churn" | wc -l)
churn_bad=$(awk '($2 == "create" && ($3 == "none" || $4 != 200)) || ($2 == "revoke" && ($4 != "revoked" || $5 != 401)) \
  || ($2 == "tier" && $3 != $4) || ($2 == "reload" && $4 != "reloaded")' "$churn" | wc -l)
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Capacity (closed loop, wrk -t${WRK_THREADS:-2} -c$WRK_CONNECTIONS, ${CAPACITY_S} s): $capacity req/s, p50 $cap_p50 ms, p99 $cap_p99 ms"
echo "Soak: $DURATION_S s in $INTERVALS runs of ${INTERVAL_S} s, target $target req/s ($( [[ -n "${SOAK_RATE:-}" ]] && echo "fixed by SOAK_RATE" || echo "$LOAD_SHARE of capacity" )); CSV $SOAK_CSV"
awk -F, -v target="$target" 'NR > 1 { n++; r += $2; if ($2 < lo || n == 1) lo = $2; if ($2 > hi) hi = $2 }
  END { printf "  rate: mean %.0f req/s = %.2f of the target (runs %.0f to %.0f)\n", r / n, r / n / target, lo, hi }' "$SOAK_CSV"
echo "  churn: $created_n keys created (each admitted at once: $(awk '$2 == "create" && $4 == 200' "$churn" | wc -l))," \
  "$revoked_n revoked (each refused at once: $refused_n), $tiers_n tier changes, $reloads_n reloads;" \
  "$churn_bad unexpected answers"
echo "  load answers >= 400 or socket errors: $load_errors"
echo
echo "Slopes over the second half (least squares; t = slope / standard error):"
printf '| %-17s | %10s | %11s | %14s | %8s | %7s | %-22s | %-7s |\n' series first_half second_half "slope per hour" \
  "± SE" t "limit (floor)" verdict
echo "|-------------------|------------|-------------|----------------|----------|---------|------------------------|---------|"
failed=0
fit() {  # fit NAME COLUMN LIMIT_PER_H FLOOR RELATIVE(0|1): one table row; sets FIT_FAILED
  awk -F, -v name="$1" -v col="$2" -v limit="$3" -v floor="$4" -v rel="$5" '
    NR > 1 { n++; t[n] = $1 / 3600; y[n] = $col }
    END {
      h = int(n / 2); m = n - h
      # the first half median: the baseline of relative limits
      k = 0; for (i = 1; i <= h; i++) v[++k] = y[i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
      base = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
      sx = sy = 0; for (i = h + 1; i <= n; i++) { sx += t[i]; sy += y[i] }
      mx = sx / m; my = sy / m; sxx = sxy = 0
      for (i = h + 1; i <= n; i++) { sxx += (t[i] - mx) ^ 2; sxy += (t[i] - mx) * (y[i] - my) }
      b = sxy / sxx; a = my - b * mx; ss = 0
      for (i = h + 1; i <= n; i++) ss += (y[i] - a - b * t[i]) ^ 2
      se = sqrt(ss / (m - 2) / sxx)
      tstat = se > 0 ? b / se : (b > 0 ? 1e9 : 0)
      growth = b * (t[n] - t[h + 1])
      lim = rel ? limit / 100 * base : limit; flo = rel ? floor / 100 * base : floor
      bad = (tstat > 3 && b > lim && growth > flo)
      shown = (tstat > 999) ? 999 : tstat
      printf "| %-17s | %10.2f | %11.2f | %14.2f | %8.2f | %7.1f | %-22s | %-7s |\n", name, base, my, b, se, \
        shown, sprintf("%.4g/h (%.4g)", lim, flo), (bad ? "FAILED" : "ok")
      exit bad
    }' "$SOAK_CSV" || failed=$((failed + 1))
}
fit heap_after_gc_mib 8 "${HEAP_MIB_PER_H:-32}" 2 0
fit fds 9 "${FDS_PER_H:-20}" 3 0
fit threads 10 "${THREADS_PER_H:-20}" 3 0
fit p99_ms 4 "${P99_PCT_PER_H:-100}" 25 1
echo "(first_half: median of the first half, the baseline of the p99 limit; second_half: mean of the fitted half;"
echo " a series fails when t > 3 and its slope is above the limit and its fitted growth over the window above the floor)"
echo "  resident memory (not judged: the heap grows into its committed size): $(awk -F, 'NR == 2 { a = $11 } { z = $11 } END { print a " -> " z " MiB" }' "$SOAK_CSV")"

(( load_errors == 0 )) || die "$load_errors load answers >= 400 or socket errors"
(( created_n * 10 >= churn_s * 9 )) || die "churn: $created_n keys created in $churn_s s, fewer than one a second"
(( churn_bad == 0 )) || die "churn: $churn_bad unexpected answers (see $churn; BENCH_KEEP=1 keeps it)"
(( failed == 0 )) || die "$failed series grow beyond noise (see the table)"
echo "soak: passed"
