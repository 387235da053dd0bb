#!/usr/bin/env bash
# Charges the CPU samples and the allocation samples of a JFR recording to the innermost Tollgate frame of each
# stack (that method's own work plus the JDK, Vert.x and Netty code it calls), with the leaves that cost most under
# each method: what Tollgate's own code causes, method by method (bench/JfrByTollgate.java).
#   bench/jfr-tollgate.sh RECORDING.jfr [TOP] [LABEL=FRAGMENT|FRAGMENT...]...   (a group: samples through any fragment)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/find-jdk.sh"
tollgate_find_jdk
exec "$JAVA_HOME/bin/java" "$(dirname "${BASH_SOURCE[0]}")/JfrByTollgate.java" "$@"
