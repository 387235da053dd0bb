# Shared by the scripts of bench/ (sourced, not run): the JDK, the jar, free ports, the processes
# a run starts (every one is stopped on exit), nginx with a config of its own, wrk and its figures.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$bench_root/scripts/find-jdk.sh"
tollgate_find_jdk
JAVA="$JAVA_HOME/bin/java"
tollgate_jvm_defaults # as ./tollgate starts the gate (TOLLGATE_JVM_DEFAULTS)
JAR="$bench_root/target/tollgate.jar"
BENCH_PIDS=()

log() { echo "bench: $*" >&2; }

# A customer far above any load a benchmark puts on it (its limits never refuse).
FAR_CUSTOMER='{"customer_id":"bench","limits":{"quota":{"units":1000000000000,"period":"year"},
  "rate_limit":{"requests":1000000000,"window_s":1,"burst":1000000000}}}'

# open_run NAME: notes the load average (load_before), makes the work directory /tmp/tollgate-NAME.* (BENCH_DIR)
# and stops every process started through `spawn` when the script exits.
open_run() {
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  BENCH_DIR="$(mktemp -d "/tmp/tollgate-$1.XXXXXX")"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}
die() { echo "bench: FAILED: $*" >&2; exit 1; }

need_tools() {
  command -v wrk >/dev/null 2>&1 || die "wrk is missing: run scripts/test-services.sh (as root)"
  NGINX="$(command -v nginx || true)"
  [[ -n "$NGINX" ]] || { [[ -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx; }
  [[ -n "$NGINX" ]] || die "nginx is missing: run scripts/test-services.sh (as root)"
  command -v curl >/dev/null 2>&1 || die "curl is missing"
}

# Builds target/tollgate.jar (and the test classes the keys benchmark runs) when missing or older than a source.
build_jar() {
  if [[ ! -f "$JAR" || ! -d "$bench_root/target/test-classes" ]] \
      || [[ -n "$(find "$bench_root/src" "$bench_root/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]]; then
    log "building the jar (./mvnw -q -DskipTests package)"
    (cd "$bench_root" && ./mvnw -q -B -DskipTests package) >&2 || die "the build failed"
  fi
}

# Every process started through `spawn` is stopped (TERM, then KILL) when the script exits, however it exits, and
# every database made by `pg_create_db` is dropped.
cleanup() {
  local pid db
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for db in ${BENCH_PG_DBS[@]+"${BENCH_PG_DBS[@]}"}; do
    psql_server -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  # an if, not &&: under set -e a false test as the trap's last command would make the script exit 1
  if [[ -n "${BENCH_DIR:-}" && -z "${BENCH_KEEP:-}" ]]; then rm -rf "$BENCH_DIR"; fi
}

# spawn NAME COMMAND...: runs COMMAND in the background, output to $BENCH_DIR/NAME.log; sets SPAWNED to its pid.
spawn() {
  local name="$1"
  shift
  "$@" >"$BENCH_DIR/$name.log" 2>&1 &
  SPAWNED=$!
  BENCH_PIDS+=("$SPAWNED")
}

# pg_server JDBC_URL: the PostgreSQL server of a JDBC URL (jdbc:postgresql://host:port/db?user=..&password=..),
# for psql_server and pg_create_db; its role needs CREATEDB. Fails when psql is missing.
pg_server() {
  command -v psql >/dev/null 2>&1 || die "psql is missing (Debian: postgresql-client)"
  pg_host="$(echo "$1" | sed -n 's#^jdbc:postgresql://\([^/?]*\)/.*#\1#p')"
  pg_user="$(echo "$1" | sed -n 's#.*[?&]user=\([^&]*\).*#\1#p')"
  pg_password="$(echo "$1" | sed -n 's#.*[?&]password=\([^&]*\).*#\1#p')"
  pg_admin_db="$(echo "$1" | sed -n 's#^jdbc:postgresql://[^/]*/\([^?]*\).*#\1#p')"
}
psql_server() { PGPASSWORD="$pg_password" psql -q -X -v ON_ERROR_STOP=1 "postgresql://$pg_user@$pg_host/$pg_admin_db" "$@"; }

# pg_create_db PREFIX: a fresh database PREFIX_<time>_<n> on the server of `pg_server`, dropped on exit; sets
# PG_DB_NAME and PG_DB_URL (its JDBC URL). Not in a subshell: the exit trap must learn of it.
BENCH_PG_DBS=()
pg_create_db() {
  local db="${1}_$(date +%s)_$RANDOM"
  psql_server -c "CREATE DATABASE $db" >/dev/null || die "cannot create a database on $pg_host as $pg_user"
  BENCH_PG_DBS+=("$db")
  PG_DB_URL="jdbc:postgresql://$pg_host/$db?user=$pg_user&password=$pg_password"
  PG_DB_NAME="$db"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! port_open "$p" && [[ " ${BENCH_PORTS:-} " != *" $p "* ]]; then
      BENCH_PORTS="${BENCH_PORTS:-} $p"
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

# wait_port PORT PID NAME: until something listens on PORT; fails when PID died or after WAIT_S (60) seconds.
wait_port() {
  for _ in $(seq 1 $(( ${WAIT_S:-60} * 10 ))); do
    port_open "$1" && return
    kill -0 "$2" 2>/dev/null || die "$3 exited; its log:"$'\n'"$(tail -n 30 "$BENCH_DIR/$3.log")"
    sleep 0.1
  done
  die "$3 does not listen on $1 after ${WAIT_S:-60} s"
}

start_bench_engine() {
  ENGINE_PORT="$(free_port)"
  spawn engine "$JAVA" -Xmx512m -jar "$JAR" bench-engine --port "$ENGINE_PORT" --event-loops "${ENGINE_LOOPS:-1}"
  wait_port "$ENGINE_PORT" "$SPAWNED" engine
  ENGINE_PID="$SPAWNED"
}

# nginx_conf DIR WORKERS SERVERS: writes DIR/nginx.conf, everything under DIR (no access log, keep-alive without a
# limit), with the server blocks SERVERS in its http block.
nginx_conf() {
  local dir="$1" workers="$2" servers="$3"
  mkdir -p "$dir"
  chmod 755 "$BENCH_DIR" "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes $workers;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
$servers}
EOF
}

# start_nginx_engine: nginx answering every request itself (`return 200`, a 3-byte body), ENGINE_WORKERS worker
# processes (1): an engine far faster than the proxies in front of it. Sets ENGINE_PORT and ENGINE_PID (the master
# and its workers, for cpu_ticks).
start_nginx_engine() {
  local dir="$BENCH_DIR/nginx-engine"
  ENGINE_PORT="$(free_port)"
  nginx_conf "$dir" "${ENGINE_WORKERS:-1}" "  server {
    listen 127.0.0.1:$ENGINE_PORT;
    location / { default_type text/plain; return 200 \"ok\\n\"; }
  }
"
  spawn engine "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
  wait_port "$ENGINE_PORT" "$SPAWNED" engine
  ENGINE_PID="$SPAWNED $(pgrep -P "$SPAWNED" | tr '\n' ' ')"
}

# start_nginx [UPSTREAM...]: nginx as a plain reverse proxy (keep-alive upstream, no access log, everything under
# its own dir), one server on its own port per UPSTREAM, a comma-separated list of host:port (default: the engine).
# Sets NGINX_PORTS (one per UPSTREAM, in order), NGINX_PORT (the first) and NGINX_PIDS.
start_nginx() {
  local upstreams=("$@") dir="$BENCH_DIR/nginx" servers="" i
  [[ ${#upstreams[@]} -gt 0 ]] || upstreams=("127.0.0.1:$ENGINE_PORT")
  NGINX_PORTS=()
  for i in "${!upstreams[@]}"; do
    NGINX_PORTS+=("$(free_port)")
    servers+="  upstream up$i {"$'\n'
    servers+="$(echo "${upstreams[$i]}" | tr ',' '\n' | sed 's/.*/    server &;/')"$'\n'
    servers+="    keepalive 128;"$'\n'"  }"$'\n'
    servers+="  server {"$'\n'"    listen 127.0.0.1:${NGINX_PORTS[$i]};"$'\n'
    servers+="    location / {"$'\n'"      proxy_pass http://up$i;"$'\n'"      proxy_http_version 1.1;"$'\n'
    servers+="      proxy_set_header Connection \"\";"$'\n'"    }"$'\n'"  }"$'\n'
  done
  NGINX_PORT="${NGINX_PORTS[0]}"
  nginx_conf "$dir" "${NGINX_WORKERS:-1}" "$servers"
  spawn nginx "$NGINX" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
  for i in "${!NGINX_PORTS[@]}"; do
    wait_port "${NGINX_PORTS[$i]}" "$SPAWNED" nginx
  done
  NGINX_PIDS="$SPAWNED $(pgrep -P "$SPAWNED" | tr '\n' ' ')"
}

# start_tollgate NAME DATA_DIR: `tollgate serve` in front of the engine, metering on (batch), admin key $ADMIN_KEY,
# plus the YAML in TOLLGATE_EXTRA_YAML and the VAR=value words of TOLLGATE_ENV (both optional).
# Sets GATE_PORT, ADMIN_PORT and TOLLGATE_PID. The array GATE_JVM_OPTS, when set, adds JVM options (bench/warmup.sh).
start_tollgate() {
  local name="$1" data="$2"
  GATE_PORT="$(free_port)"
  ADMIN_PORT="$(free_port)"
  mkdir -p "$data"
  cat >"$BENCH_DIR/$name.yaml" <<EOF
gate:
  listen: 127.0.0.1:$GATE_PORT
  engine: http://127.0.0.1:$ENGINE_PORT
admin:
  listen: 127.0.0.1:$ADMIN_PORT
data_dir: $data
metering:
  durability: ${DURABILITY:-batch}
access_log:
  target: ${ACCESS_LOG:-off}
  file: access.log
${TOLLGATE_EXTRA_YAML:-}
EOF
  spawn "$name" env TOLLGATE_ADMIN_KEY="$ADMIN_KEY" TOLLGATE_LOG_LEVEL=INFO ${TOLLGATE_ENV:-} \
    "$JAVA" ${TOLLGATE_JVM_DEFAULTS[@]+"${TOLLGATE_JVM_DEFAULTS[@]}"} ${TOLLGATE_JAVA_OPTS:-} \
    ${GATE_JVM_OPTS[@]+"${GATE_JVM_OPTS[@]}"} -jar "$JAR" serve --config "$BENCH_DIR/$name.yaml"
  TOLLGATE_PID="$SPAWNED"
  wait_port "$GATE_PORT" "$TOLLGATE_PID" "$name"
  wait_port "$ADMIN_PORT" "$TOLLGATE_PID" "$name"
}

# stop_gate: SIGTERM to the last started Tollgate (TOLLGATE_PID), then until it has exited (an AppCDS archive is
# written then); fails after 120 s.
stop_gate() {
  kill -TERM "$TOLLGATE_PID" 2>/dev/null || true
  for _ in $(seq 1 1200); do
    kill -0 "$TOLLGATE_PID" 2>/dev/null || return 0
    sleep 0.1
  done
  die "Tollgate $TOLLGATE_PID did not stop in 120 s"
}

# tollgate_said REGEX: the first match of REGEX (grep -o) in the log of the Tollgate started as "tollgate" (its start
# line names the event loops and the transport; nothing is logged per request at INFO), or "?".
tollgate_said() {
  grep -o "$1" "$BENCH_DIR/tollgate.log" 2>/dev/null | head -1 || true
}

# admin METHOD PATH [JSON]: the Admin API of the last started Tollgate; prints the body.
admin() {
  curl -sS -X "$1" "http://127.0.0.1:$ADMIN_PORT$2" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'Content-Type: application/json' ${3:+--data "$3"}
}

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }

# status URL [KEY]: the status code of one GET.
status() {
  curl -s -o /dev/null -w '%{http_code}' "$1" ${2:+-H "Authorization: Bearer $2"}
}

# wrk_run URL KEY DURATION: one wrk run; prints "rps p50_ms p99_ms non2xx requests" (KEY may be empty).
wrk_run() {
  local out
  out="$(TG_KEY="$2" wrk -t"${WRK_THREADS:-2}" -c"${WRK_CONNECTIONS:-64}" -d"$3" --latency \
    -s "$bench_root/bench/wrk-auth.lua" "$1")" || die "wrk failed on $1: $out"
  echo "$out" >>"$BENCH_DIR/wrk.log"
  echo "$out" | awk '/^BENCH / { print $2, $3, $4, $5, $6 }' | sed 's/[a-z0-9_]*=//g'
}

# cpu_ticks PID...: user + system CPU ticks of these processes so far (see CLK_TCK).
cpu_ticks() {
  local pid total=0
  for pid in "$@"; do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$total"
}
CLK_TCK="$(getconf CLK_TCK)"

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# round_ratio RESULTS A B COLUMN: the median over rounds of (A's COLUMN / B's COLUMN) in the same round; the
# rounds alternate, so this cancels drift that hits both alike.
round_ratio() {
  awk -v a="$2" -v b="$3" -v c="$4" '$2 == a { x[$1] = $c } $2 == b { y[$1] = $c }
    END { for (r in x) if (y[r] > 0) print x[r] / y[r] }' "$1" | median | awk '{ printf "%.2f", $1 }'
}

# billed_requests CUSTOMER: the requests the Admin API (of $ADMIN_PORT) bills CUSTOMER for in this period.
billed_requests() {
  admin GET "/admin/customers/$1/usage" | sed -n 's/.*"requests":\([0-9]*\).*/\1/p' | head -n1
}

# med PATH COLUMN: the median over the rounds in $results of COLUMN for PATH (column 2).
med() { awk -v t="$1" -v c="$2" '$2 == t { print $c }' "$results" | median; }

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# per_round TARGET...: the req/s of each round in $results, one line per round ($ROUNDS), after a blank line; with
# PER_ROUND_COLUMN and PER_ROUND_LABEL set, that column of $results instead (bench/proxy.sh's open loop: p99).
per_round() {
  local r t
  echo
  echo "Per round (${PER_ROUND_LABEL:-req/s}):"
  for r in $(seq 1 "$ROUNDS"); do
    printf '  round %s:' "$r"
    for t in "$@"; do
      printf ' %s %s' "$t" "$(awk -v r="$r" -v t="$t" -v c="${PER_ROUND_COLUMN:-3}" '$1 == r && $2 == t { print $c }' "$results")"
    done
    echo
  done
}

# run_header: a blank line, the machine, and the load average before the run ($load_before) and now.
run_header() {
  echo
  echo "Machine: $(machine)"
  echo "Load average (1, 5, 15 min) before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The machine, the JDK, and nginx and wrk when this run uses them.
machine() {
  echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB," \
    "$(uname -sr), $("$JAVA" -version 2>&1 | head -n1)${NGINX:+, nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')}$(
      command -v wrk >/dev/null 2>&1 && wrk -v 2>&1 | head -n1 | awk '{ printf ", %s %s", $1, $2 }')"
}

# jfr_profile PID URL KEY FILE FILTER...: records PID with JFR (1 ms CPU samples) while wrk loads URL for $DURATION,
# into FILE, then prints bench/jfr-summary.sh's top 25 frames and the share of each FILTER.
jfr_profile() {
  local pid="$1" url="$2" key="$3" file="$4"
  shift 4
  log "profiling $pid under load for $DURATION (JFR) into $file"
  "$JAVA_HOME/bin/jcmd" "$pid" JFR.start name=bench settings=profile 'jdk.ExecutionSample#period=1ms' >/dev/null
  wrk_run "$url" "$key" "$DURATION" >/dev/null
  "$JAVA_HOME/bin/jcmd" "$pid" JFR.stop name=bench filename="$file" >/dev/null
  echo
  "$bench_root/bench/jfr-summary.sh" "$file" 25 "$@"
}
