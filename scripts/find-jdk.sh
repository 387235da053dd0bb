# Sourced by ./tollgate, scripts/test and .ci/run: sets JAVA_HOME to a JDK >= 21, or explains what is missing.
tollgate_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1
}

tollgate_find_jdk() {
  local candidates=() dir major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for dir in /usr/lib/jvm/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  for dir in "${candidates[@]}"; do
    [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] || continue
    major=$(tollgate_java_major "$dir")
    major=${major%%.*}
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$dir"
      return 0
    fi
  done
  echo "tollgate: needs a JDK 21 or newer; set JAVA_HOME to one (e.g. apt-get install openjdk-21-jdk or Temurin 21+)" >&2
  return 1
}

# Sets TOLLGATE_JVM_DEFAULTS (an array) to the JVM options every gate start gets on the JDK at JAVA_HOME. On JDK 24+
# that is --sun-misc-unsafe-memory-access=allow: Netty 4.2 reads and writes its direct buffers (every header it
# encodes, every byte it parses) through sun.misc.Unsafe only when the JDK allows it; on JDK 25 without the option it
# falls back to bounds-checked ByteBuffer access, byte by byte (see docs/performance.md). JDK 21-23: nothing.
# TOLLGATE_JAVA_OPTS naming --sun-misc-unsafe-memory-access leaves the choice to it.
tollgate_jvm_defaults() {
  TOLLGATE_JVM_DEFAULTS=()
  case " ${TOLLGATE_JAVA_OPTS:-} " in
    *" --sun-misc-unsafe-memory-access"*) return 0 ;;
  esac
  local major
  major=$(tollgate_java_major "$JAVA_HOME")
  major=${major%%.*}
  if [ -n "$major" ] && [ "$major" -ge 24 ] 2>/dev/null; then
    TOLLGATE_JVM_DEFAULTS=(--sun-misc-unsafe-memory-access=allow)
  fi
}
