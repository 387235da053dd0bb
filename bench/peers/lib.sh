# Sourced by bench/proxy.sh after bench/lib.sh: the optional peers of its rounds (PEERS) and its open-loop load
# generator (OPEN_LOOP). Each is a small Maven project of its own under bench/ (bench/peers/NAME, bench/openloop),
# outside Tollgate's build and CI, built here on demand with the repo's ./mvnw and run from its classpath.

PEER_NAMES=(vertx netty membrane scg)
declare -A PEER_PORT=() PEER_PID=()

# side_build DIR: builds the project bench/DIR when its target/classpath.txt is missing or older than its pom or a
# source file (the first build fetches its dependencies from Maven Central).
side_build() {
  local dir="$bench_root/bench/$1"
  if [[ ! -f "$dir/target/classpath.txt" ]] \
      || [[ -n "$(find "$dir/pom.xml" "$dir/src" -newer "$dir/target/classpath.txt" -print -quit 2>/dev/null)" ]]; then
    log "building bench/$1 (./mvnw -q package)"
    (cd "$dir" && "$bench_root/mvnw" -q -B package) >&2 || die "the build of bench/$1 failed"
    touch "$dir/target/classpath.txt"  # the dependency plugin leaves an unchanged file as it was
  fi
}

# side_classpath DIR: the classpath of the built project bench/DIR.
side_classpath() {
  echo "$bench_root/bench/$1/target/classes:$(cat "$bench_root/bench/$1/target/classpath.txt")"
}

# peers_parse: checks PEERS (names separated by spaces or commas) and sets PEERS_RUN to them, in PEER_NAMES' order.
peers_parse() {
  local want=" $(echo "${PEERS:-}" | tr ',' ' ') " name
  for name in $want; do
    [[ " ${PEER_NAMES[*]} " == *" $name "* ]] || die "PEERS: unknown peer $name (known: ${PEER_NAMES[*]})"
  done
  PEERS_RUN=()
  for name in "${PEER_NAMES[@]}"; do
    if [[ "$want" == *" $name "* ]]; then PEERS_RUN+=("$name"); fi
  done
}

# start_peer NAME KEY: builds and starts the peer NAME in front of the engine, PEER_LOOPS event loops where it has
# them; KEY is the one API key it accepts (the bare vertx-http-proxy and the bare Netty proxy check none). Sets PEER_PORT[NAME], PEER_PID[NAME].
start_peer() {
  local name="$1" key="$2" port dir java=("$JAVA" ${PEER_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED)
  side_build "peers/$name"
  port="$(free_port)"
  case "$name" in
    vertx)
      spawn "peer-$name" "${java[@]}" -cp "$(side_classpath peers/vertx)" bench.peers.vertx.BareProxy "$port" \
        127.0.0.1 "$ENGINE_PORT" "$PEER_LOOPS" ;;
    netty)
      spawn "peer-$name" "${java[@]}" -cp "$(side_classpath peers/netty)" bench.peers.netty.BareNettyProxy "$port" \
        127.0.0.1 "$ENGINE_PORT" "$PEER_LOOPS" ;;
    membrane)
      # thread per connection (Membrane's own pool), so PEER_LOOPS does not apply
      dir="$BENCH_DIR/membrane"
      mkdir -p "$dir"
      sed -e "s/@PORT@/$port/; s/@ENGINE_PORT@/$ENGINE_PORT/; s#@API_YAML@#$dir/api.yaml#" \
        "$bench_root/bench/peers/membrane/proxies.xml" >"$dir/proxies.xml"
      sed -e "s/@KEY@/$key/" "$bench_root/bench/peers/membrane/api.yaml" >"$dir/api.yaml"
      spawn "peer-$name" env -C "$dir" "${java[@]}" -cp "$(side_classpath peers/membrane)" \
        com.predic8.membrane.core.RouterCLI -c proxies.xml ;;
    scg)
      spawn "peer-$name" "${java[@]}" -Dreactor.netty.ioWorkerCount="$PEER_LOOPS" -cp "$(side_classpath peers/scg)" \
        bench.peers.scg.GatewayPeer --server.port="$port" --bench.engine="http://127.0.0.1:$ENGINE_PORT" \
        --bench.keys="$key" ;;
  esac
  PEER_PID[$name]="$SPAWNED"
  PEER_PORT[$name]="$port"
  WAIT_S="${PEER_WAIT_S:-180}" wait_port "$port" "$SPAWNED" "peer-$name"
}

# peer_said NAME: what the peer's log says of its event loops and transport, for the run's header.
peer_said() {
  local threads
  threads="$(ps -L -o comm= -p "${PEER_PID[$1]}" 2>/dev/null)"
  case "$1" in
    vertx|netty) grep -o 'with [0-9]* event loops, transport .*' "$BENCH_DIR/peer-$1.log" | head -1 || true ;;
    membrane) echo "$(echo "$threads" | grep -c 'RouterThread') router threads (one per connection), blocking sockets" ;;
    scg) echo "$(echo "$threads" | grep -c 'reactor-http-ep') reactor-http-epoll threads" ;;
  esac
}

# seconds DURATION: wrk's duration (10s, 2m, or a bare number of seconds) in seconds.
seconds() {
  case "$1" in
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}

# start_openloop: builds bench/openloop and starts one generator for the whole run (its JIT stays warm across
# targets), fed one run a line through a coprocess.
start_openloop() {
  side_build openloop
  coproc OPENLOOP { exec "$JAVA" ${OPEN_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$(side_classpath openloop)" \
    bench.openloop.OpenLoop 2>"$BENCH_DIR/openloop.log"; }
  BENCH_PIDS+=("$OPENLOOP_PID")
}

# openloop_run URL KEY DURATION RATE: one open-loop run at RATE requests a second over OPEN_CONNECTIONS connections;
# prints "rps p50_ms p99_ms non2xx requests errors p999_ms late_ms" (KEY may be empty).
openloop_run() {
  local line
  echo "$4 $OPEN_CONNECTIONS $1 ${2:--} $(seconds "$3")" >&"${OPENLOOP[1]}"
  IFS= read -r line <&"${OPENLOOP[0]}" || die "the open-loop generator stopped; its log:"$'\n'"$(tail -n 30 "$BENCH_DIR/openloop.log")"
  [[ "$line" == BENCH* ]] || die "the open-loop generator on $1: $line"
  echo "$line" >>"$BENCH_DIR/openloop-runs.log"
  echo "$line" | awk '{ print $2, $3, $4, $5, $6, $7, $8, $11 }' | sed 's/[a-z0-9_]*=//g'
}
