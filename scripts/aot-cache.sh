# Sourced by ./tollgate and bench/ (after find-jdk.sh): the JVM options of the start-up cache of a jar.
#
# By default a dynamic AppCDS archive that the JVM writes itself when the first run exits
# (-XX:+AutoCreateSharedArchive): nothing delays the first start. With TOLLGATE_AOT=aot on JDK 25+, an ahead-of-time
# cache (JEP 483/514/515: classes loaded and linked, method profiles) made by a training run before the first start
# (`tollgate aot-train`: a real gate on ephemeral ports with a throwaway data directory, a few seconds of
# requests; 30-90 s on a busy 2-core machine). The file lives next to the jar (target/), is named after the JDK that made it
# (a cache only works on that JDK), and is remade when the jar is newer. A cache that is stale, corrupt or from
# another JDK never stops a start: the JVM ignores it, and its aot/cds messages are switched off.
#
#   TOLLGATE_AOT=cds    the AppCDS archive (the default)
#   TOLLGATE_AOT=aot    the trained ahead-of-time cache on JDK 25+ (the AppCDS archive on 21-24)
#   TOLLGATE_AOT=off    no cache (nothing is read or written)
#   TOLLGATE_AOT_DIR    where the cache lives (default: the jar's directory)

# tollgate_aot_opts JAR COMMAND: sets the array TOLLGATE_AOT_OPTS; with TOLLGATE_AOT=aot, trains the JDK 25+ cache
# first when it is missing or stale and COMMAND starts a server (serve, demo). Never fails.
tollgate_aot_opts() {
  local jar="$1" cmd="${2:-}" mode="${TOLLGATE_AOT:-cds}" version major dir tag cache lock
  TOLLGATE_AOT_OPTS=()
  case "$mode" in
    off | false | no | 0) return 0 ;;
    aot | cds) ;;
    *) echo "tollgate: TOLLGATE_AOT must be cds, aot or off (it is '$mode'); starting without a start-up cache" >&2
       return 0 ;;
  esac
  case " ${TOLLGATE_JAVA_OPTS:-} " in
    *-XX:AOTCache* | *-XX:SharedArchiveFile* | *-Xshare:off*) return 0 ;;  # the operator chose
  esac
  version="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$JAVA_HOME/release" 2>/dev/null | head -n1)"
  [ -n "$version" ] || version="$(tollgate_java_major "$JAVA_HOME")"
  major="${version%%[.+-]*}"
  dir="${TOLLGATE_AOT_DIR:-$(dirname "$jar")}"
  [ -d "$dir" ] && [ -w "$dir" ] || return 0
  # the JDK's version and where it is installed: two builds of one version make different caches
  tag="$version-$(printf '%s\n' "$JAVA_HOME" | cat - "$JAVA_HOME/release" 2>/dev/null | cksum | cut -d' ' -f1)"
  if [ "$mode" = cds ] || [ "$major" -lt 25 ] 2>/dev/null; then
    cache="$dir/tollgate-jdk-$tag.jsa"
    [ -f "$cache" ] && [ "$jar" -nt "$cache" ] && rm -f "$cache"
    TOLLGATE_AOT_OPTS=(-XX:SharedArchiveFile="$cache" -XX:+AutoCreateSharedArchive -Xlog:cds*=off)
    [ "$major" -ge 25 ] 2>/dev/null && TOLLGATE_AOT_OPTS+=(-Xlog:aot*=off)
    return 0
  fi
  cache="$dir/tollgate-jdk-$tag.aot"
  if [ -f "$cache" ] && [ "$jar" -nt "$cache" ]; then
    rm -f "$cache" "$cache.failed"
  fi
  if [ ! -f "$cache" ] && [ ! "$cache.failed" -nt "$jar" ] && { [ "$cmd" = serve ] || [ "$cmd" = demo ]; }; then
    tollgate_aot_train "$jar" "$cache"
  fi
  [ -f "$cache" ] && TOLLGATE_AOT_OPTS=(-XX:AOTCache="$cache" -Xlog:aot*=off -Xlog:cds*=off)
  return 0
}

# tollgate_aot_train JAR CACHE: one training run into CACHE (through a temporary file, so that a reader never sees
# half a cache); one at a time (a lock directory; a lock older than 10 minutes is left over and taken).
tollgate_aot_train() {
  local jar="$1" cache="$2" lock="$2.lock" tmp="$2.$$.tmp" log="$2.log"
  find "$lock" -maxdepth 0 -mmin +10 -exec rmdir {} \; 2>/dev/null || true
  mkdir "$lock" 2>/dev/null || return 0  # another start is training: this one starts without the cache
  echo "tollgate: preparing the start-up cache for this jar and JDK (once; TOLLGATE_AOT=cds skips it)..." >&2
  # shellcheck disable=SC2086 # TOLLGATE_JAVA_OPTS is a list of options, split on purpose
  if "$JAVA_HOME/bin/java" ${TOLLGATE_JVM_DEFAULTS[@]+"${TOLLGATE_JVM_DEFAULTS[@]}"} ${TOLLGATE_JAVA_OPTS:-} \
      -XX:AOTCacheOutput="$tmp" -Xlog:aot*=off -Xlog:cds*=off \
      -jar "$jar" aot-train >"$log" 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$cache"
    rm -f "$log"
  else
    echo "tollgate: the start-up cache could not be made (see $log); starting without it" >&2
    touch "$cache.failed"
    rm -f "$tmp" "$tmp.config"
  fi
  rmdir "$lock" 2>/dev/null || true
}
