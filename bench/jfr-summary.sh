#!/usr/bin/env bash
# Summarises the CPU samples (jdk.ExecutionSample) of a JFR recording: the hottest frames (self), the self samples
# by package, and the share of samples whose stack passes through each Tollgate method or each FILTER (inclusive).
#   bench/jfr-summary.sh RECORDING.jfr [TOP] [FILTER...]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/find-jdk.sh"
tollgate_find_jdk
file="$1"
top="${2:-20}"
shift $(( $# >= 2 ? 2 : 1 ))
filters="io.tollgate. $*"
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample --stack-depth 96 "$file" | awk -v top="$top" -v filters="$filters" '
  /jdk.ExecutionSample \{/ { split("", seen); first = ""; next }
  /stackTrace = \[/ { instack = 1; next }
  instack && /^[ \t]*\]/ {
    instack = 0
    if (first != "") { n++; self[first]++; pkg[package(first)]++; for (f in seen) incl[f]++ }
    next
  }
  instack {
    f = $0
    sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*/, "", f); sub(/\(.*/, "", f)
    if (f == "...") next
    if (first == "") first = f
    seen[f] = 1
  }
  # the package a frame belongs to; Vert.x, Netty and Tollgate split further (io.vertx.core.http, io.netty.channel, ...)
  function package(f,   parts, k, depth) {
    k = split(f, parts, ".")
    depth = (f ~ /^io\.(vertx|netty|tollgate)\./) ? 3 : 2
    if (f ~ /^io\.vertx\.core\./) depth = 4
    if (f ~ /^io\.netty\.handler\.codec\./) depth = 5
    out = parts[1]
    for (i = 2; i <= depth && i < k - 1; i++) out = out "." parts[i]
    return out
  }
  END {
    if (n == 0) { print "no CPU samples"; exit }
    printf "%d CPU samples\n\nself (top frame):\n", n
    for (f in self) printf "%6.1f%%  %s\n", 100 * self[f] / n, f | "sort -rn | head -n " top
    close("sort -rn | head -n " top)
    printf "\nself by package:\n"
    for (p in pkg) printf "%6.1f%%  %s\n", 100 * pkg[p] / n, p | "sort -rn | head -n " top
    close("sort -rn | head -n " top)
    printf "\ninclusive (stack passes through):\n"
    k = split(filters, fs, " ")
    for (f in incl) for (i = 1; i <= k; i++) if (fs[i] != "" && index(f, fs[i]) > 0) {
      printf "%6.1f%%  %s\n", 100 * incl[f] / n, f | "sort -rn | head -n " (2 * top); break
    }
  }'
