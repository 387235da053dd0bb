#!/usr/bin/env bash
# 401 uniformity benchmark: a guesser must not tell the causes of a 401 apart, by the answer or by its timing.
# Starts `tollgate serve` in front of the bench engine, creates through the Admin API a customer with a good key, a
# revoked key and an expiring key (waits until it has expired), and a second customer it then deactivates; adds a
# malformed key (a good key with its last character changed: same length and shape, bad checksum) and an unknown
# key (well-formed, valid checksum, never issued). Then `UnauthorizedUniformity measure` (src/test/java/io/tollgate/
# bench/) sends TRIES tries of each of the five, interleaved in a shuffled order, on one kept-alive connection,
# after a warm-up of WARMUP tries each, and times each try client-side. Prints each class's median and p90 and the
# largest gap between class medians. Fails (exit 1) when that gap is >= MAX_GAP_US or when any answer (status line,
# headers, body; the request id and date aside) differs from the others. See docs/performance.md.
#
#   bench/unauthorized-uniformity.sh                 about 30 s, most of it building and starting
#   TRIES=5000 bench/unauthorized-uniformity.sh
#
# Environment: TRIES (1000), WARMUP (3000 per class), MAX_GAP_US (100), TOLLGATE_JAVA_OPTS (none), BENCH_KEEP=1
# keeps the work directory. Needs curl.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TRIES="${TRIES:-1000}"
WARMUP="${WARMUP:-3000}"
MAX_GAP_US="${MAX_GAP_US:-100}"
PATH_UNDER_TEST=/v1/default/serve/bench
ADMIN_KEY="bench-admin-key-$(date +%s%N)-0123456789"

command -v curl >/dev/null 2>&1 || die "curl is missing"
build_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
BENCH_DIR="$(mktemp -d /tmp/tollgate-uniformity.XXXXXX)"
trap cleanup EXIT
trap 'exit 130' INT TERM
uniformity() { "$JAVA" ${TOLLGATE_JAVA_OPTS:-} -cp "$JAR:$bench_root/target/test-classes" \
  io.tollgate.bench.UnauthorizedUniformity "$@"; }

start_bench_engine
start_tollgate tollgate "$BENCH_DIR/data"
log "engine :$ENGINE_PORT, tollgate :$GATE_PORT (admin :$ADMIN_PORT); work dir $BENCH_DIR"
url="http://127.0.0.1:$GATE_PORT$PATH_UNDER_TEST"

good="$(admin POST /admin/customers '{"customer_id":"uniform"}' | json_field key)"
revoked_json="$(admin POST /admin/customers/uniform/keys '{"name":"revoked"}')"
revoked="$(echo "$revoked_json" | json_field key)"
admin DELETE "/admin/customers/uniform/keys/$(echo "$revoked_json" | json_field key_id)" >/dev/null
expired="$(admin POST /admin/customers/uniform/keys \
  "{\"name\":\"expired\",\"expires_at\":\"$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%S.%3NZ)\"}" | json_field key)"
deactivated="$(admin POST /admin/customers '{"customer_id":"gone"}' | json_field key)"
admin DELETE /admin/customers/gone >/dev/null
last="${good: -1}"
malformed="${good%?}$([[ $last == a ]] && echo b || echo a)"
unknown="$(uniformity new-key "$(echo "$good" | cut -d_ -f1)")"
[[ -n "$good" && -n "$revoked" && -n "$expired" && -n "$deactivated" && -n "$unknown" ]] \
  || die "cannot create the keys through the Admin API"

[[ "$(status "$url" "$good")" == 200 ]] || die "the good key is not admitted"
for _ in $(seq 1 100); do
  [[ "$(status "$url" "$expired")" == 401 ]] && break
  sleep 0.1
done
for k in "$malformed" "$unknown" "$revoked" "$expired" "$deactivated"; do
  got="$(status "$url" "$k")"
  [[ "$got" == 401 ]] || die "a refused key (${k:0:12}...) answers $got, expected 401"
done

echo "Machine: $(machine)"
echo "Load average (1, 5, 15 min) before the run: $load_before"
echo "$TRIES timed tries per class after $WARMUP untimed, interleaved and shuffled, one kept-alive connection:"
rc=0
uniformity measure "$GATE_PORT" "$PATH_UNDER_TEST" "$TRIES" "$WARMUP" "$MAX_GAP_US" \
  malformed="$malformed" unknown="$unknown" revoked="$revoked" expired="$expired" deactivated="$deactivated" || rc=$?
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ $rc == 0 ]] || die "401 answers are not uniform (see above)"
