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
