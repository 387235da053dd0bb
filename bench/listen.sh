#!/usr/bin/env bash
# Start-up benchmark (issue 13, part 3): how long `tollgate serve` takes until both the gate and the Admin API accept
# connections, as wall time and as the CPU time the JVM has used at that moment (utime + stime from /proc/PID/stat,
# all threads: far less noisy than wall time on a shared machine), on an empty store (a fresh data directory) and
# on a copy of a seeded one (one customer, made by the same jar and started once). With the launcher's start-up
# cache (scripts/aot-cache.sh, TOLLGATE_AOT: cds by default), made for each jar once before the rounds.
#
# Several jars (e.g. a build before and after a change) are compared in one run, alternating in each round so that
# drift hits them alike; each jar is copied into a directory of its own with its own cache.
#
#   bench/listen.sh                                  target/tollgate.jar, 5 rounds
#   ROUNDS=6 bench/listen.sh /tmp/before.jar target/tollgate.jar
#   CLASSLOG=1 bench/listen.sh                       also -Xlog:class+load:file=...:uptime for every start (BENCH_KEEP=1)
#
# Environment: ROUNDS (5), TOLLGATE_AOT (cds, aot or off), TOLLGATE_JAVA_OPTS (none), BENCH_KEEP=1 keeps the work
# directory with every log. Needs curl.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$bench_root/scripts/aot-cache.sh"

ROUNDS="${ROUNDS:-5}"
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"
export TOLLGATE_AOT="${TOLLGATE_AOT:-cds}"
command -v curl >/dev/null 2>&1 || die "curl is missing"
jars=("$@")
if [[ ${#jars[@]} -eq 0 ]]; then
  build_jar
  jars=("$JAR")
fi
open_run listen
TICK="$(getconf CLK_TCK)"
ENGINE_PORT=9 # nothing is proxied here

# cpu_ms PID: CPU time the process has used (every thread), in ms.
cpu_ms() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }" # after the command name, which may hold spaces
  read -r -a f <<<"$stat"
  echo $(( (f[11] + f[12]) * 1000 / TICK ))
}


# timed_start NAME DATA_DIR JAR OPTS...: spawns `serve`, polls both ports every ~20 ms; sets WALL_MS and CPU_MS at
# the moment both accept.
timed_start() {
  local name="$1" data="$2" jar="$3" t
  shift 3
  GATE_PORT="$(free_port)"
  ADMIN_PORT="$(free_port)"
  mkdir -p "$data"
  printf 'gate:\n  listen: 127.0.0.1:%s\n  engine: http://127.0.0.1:%s\nadmin:\n  listen: 127.0.0.1:%s\ndata_dir: %s\n' \
    "$GATE_PORT" "$ENGINE_PORT" "$ADMIN_PORT" "$data" >"$BENCH_DIR/$name.yaml"
  t="$(date +%s%N)"
  spawn "$name" env TOLLGATE_ADMIN_KEY="$ADMIN_KEY" "$JAVA" ${TOLLGATE_JVM_DEFAULTS[@]+"${TOLLGATE_JVM_DEFAULTS[@]}"} \
    ${TOLLGATE_JAVA_OPTS:-} "$@" -jar "$jar" serve --config "$BENCH_DIR/$name.yaml"
  TOLLGATE_PID="$SPAWNED"
  for _ in $(seq 1 6000); do
    if port_open "$GATE_PORT" && port_open "$ADMIN_PORT"; then
      CPU_MS="$(cpu_ms "$TOLLGATE_PID")"
      WALL_MS=$(( ($(date +%s%N) - t) / 1000000 ))
      return 0
    fi
    kill -0 "$TOLLGATE_PID" 2>/dev/null || die "$name exited; its log:"$'\n'"$(tail -n 30 "$BENCH_DIR/$name.log")"
    sleep 0.02
  done
  die "$name does not listen after 120 s"
}

# One directory per jar (its own copy and cache: an AppCDS archive names the jar it was made from).
opts_of=()
for i in "${!jars[@]}"; do
  [[ -f "${jars[$i]}" ]] || die "no jar ${jars[$i]}"
  mkdir -p "$BENCH_DIR/jar$i"
  cp "${jars[$i]}" "$BENCH_DIR/jar$i/tollgate.jar"
  tollgate_aot_opts "$BENCH_DIR/jar$i/tollgate.jar" serve
  opts_of[$i]="${TOLLGATE_AOT_OPTS[*]:-}"
  if [[ "${opts_of[$i]}" == *SharedArchiveFile* ]]; then
    # AppCDS: the JVM writes the archive when a run with it exits
    # shellcheck disable=SC2086
    timed_start "dump-$i" "$BENCH_DIR/dump-$i" "$BENCH_DIR/jar$i/tollgate.jar" ${opts_of[$i]}
    stop_gate
  fi
  log "jar $i: ${jars[$i]}, cache: ${opts_of[$i]:-none}"
done
# the seeded store of each jar: one customer, made by that jar (what it keeps in its data directory, such as the
# SQLite native library's copy, is there for its later starts, as after an operator's first start)
for i in "${!jars[@]}"; do
  timed_start "seed-$i" "$BENCH_DIR/seed-$i" "$BENCH_DIR/jar$i/tollgate.jar"
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$ADMIN_PORT/admin/customers" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'Content-Type: application/json' -d "$FAR_CUSTOMER" || die "cannot create the customer bench"
  stop_gate
done

results="$BENCH_DIR/results.txt"
: >"$results"
for r in $(seq 1 "$ROUNDS"); do
  for i in "${!jars[@]}"; do
    extra=()
    [[ -n "${CLASSLOG:-}" ]] && extra=("-Xlog:class+load:file=$BENCH_DIR/classes-$r-$i-empty.log:uptime")
    # shellcheck disable=SC2086
    timed_start "empty-$r-$i" "$BENCH_DIR/empty-$r-$i" "$BENCH_DIR/jar$i/tollgate.jar" ${opts_of[$i]} \
      ${extra[@]+"${extra[@]}"}
    empty_wall="$WALL_MS" empty_cpu="$CPU_MS"
    stop_gate
    cp -a "$BENCH_DIR/seed-$i" "$BENCH_DIR/seeded-$r-$i"
    [[ -n "${CLASSLOG:-}" ]] && extra=("-Xlog:class+load:file=$BENCH_DIR/classes-$r-$i-seeded.log:uptime")
    # shellcheck disable=SC2086
    timed_start "seeded-$r-$i" "$BENCH_DIR/seeded-$r-$i" "$BENCH_DIR/jar$i/tollgate.jar" ${opts_of[$i]} \
      ${extra[@]+"${extra[@]}"}
    seeded_wall="$WALL_MS" seeded_cpu="$CPU_MS"
    stop_gate
    echo "$r $i $empty_wall $empty_cpu $seeded_wall $seeded_cpu" >>"$results"
    log "round $r jar $i: empty store $empty_wall ms (CPU $empty_cpu ms), seeded $seeded_wall ms (CPU $seeded_cpu ms)"
  done
done

med() { awk -v j="$1" -v c="$2" '$2 == j { print $c }' "$results" | median; }
all() { awk -v j="$1" -v c="$2" '$2 == j { printf "%s%s", s, $c; s = " / " }' "$results"; }
echo
echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$ROUNDS rounds, alternating; TOLLGATE_AOT=$TOLLGATE_AOT; medians (every round after the colon)"
for i in "${!jars[@]}"; do
  echo
  echo "jar $i: ${jars[$i]}"
  printf '  %-26s %6.0f ms: %s\n' "listen, empty store" "$(med "$i" 3)" "$(all "$i" 3)"
  printf '  %-26s %6.0f ms: %s\n' "CPU at listen, empty" "$(med "$i" 4)" "$(all "$i" 4)"
  printf '  %-26s %6.0f ms: %s\n' "listen, seeded store" "$(med "$i" 5)" "$(all "$i" 5)"
  printf '  %-26s %6.0f ms: %s\n' "CPU at listen, seeded" "$(med "$i" 6)" "$(all "$i" 6)"
done
